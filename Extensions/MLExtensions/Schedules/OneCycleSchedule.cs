namespace MLExtensions;

/// <summary>
/// The one-cycle policy (Smith &amp; Topin; PyTorch's <c>OneCycleLR</c> over the run's optimizer steps): the rate rises from
/// peak / <paramref name="DivFactor"/> to the peak (the optimizer's learning rate) over the first
/// <paramref name="WarmupFraction"/> of the steps, then falls to peak / (DivFactor · <paramref name="FinalDivFactor"/>) at the
/// last step. With <paramref name="ThreePhase"/> it first falls back to the initial rate over as many steps as it rose, and
/// only then to the final one. With <paramref name="CycleMomentum"/> (PyTorch's <c>cycle_momentum</c>, on by default) the
/// controller also sets the optimizer's momentum (its <c>Momentum</c>, else <c>Beta1</c>) inversely to the rate: from
/// <paramref name="MaxMomentum"/> down to <paramref name="BaseMomentum"/> while the rate rises and back up while it falls (flat at
/// the maximum in the third phase); optimizers with neither option are left alone.
/// </summary>
/// <param name="WarmupFraction">Share of the steps spent rising (PyTorch's <c>pct_start</c>). Default 0.3; in (0, 1), below 0.5 with three phases.</param>
/// <param name="DivFactor">Peak over the initial rate. Default 25; at least 1.</param>
/// <param name="FinalDivFactor">Initial over the final rate. Default 1e4; at least 1.</param>
/// <param name="Anneal">Shape of each phase. Default <see cref="AnnealKind.Cosine"/>.</param>
/// <param name="ThreePhase">Whether to fall back to the initial rate before the final decay. Default false.</param>
/// <param name="CycleMomentum">Whether to cycle the momentum inversely to the rate. Default true (PyTorch's).</param>
/// <param name="BaseMomentum">Momentum at the peak rate. Default 0.85 (PyTorch's); in [0, <paramref name="MaxMomentum"/>].</param>
/// <param name="MaxMomentum">Momentum at the start and end. Default 0.95 (PyTorch's); in [<paramref name="BaseMomentum"/>, 1).</param>
public sealed record OneCycleSchedule(
    double WarmupFraction = 0.3,
    double DivFactor = 25,
    double FinalDivFactor = 1e4,
    AnnealKind Anneal = AnnealKind.Cosine,
    bool ThreePhase = false,
    bool CycleMomentum = true,
    double BaseMomentum = 0.85,
    double MaxMomentum = 0.95) : LearningRateScheduleSpec, IMomentumCycling
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        double initial = 1.0 / DivFactor, final = initial / FinalDivFactor;
        return ThreePhase
            ? Interpolate(step, totalSteps, [initial, 1.0, initial, final])
            : Interpolate(step, totalSteps, [initial, 1.0, final]);
    }

    /// <inheritdoc />
    double IMomentumCycling.MomentumAt(long step, long totalSteps) => ThreePhase
        ? Interpolate(step, totalSteps, [MaxMomentum, BaseMomentum, MaxMomentum, MaxMomentum])
        : Interpolate(step, totalSteps, [MaxMomentum, BaseMomentum, MaxMomentum]);

    /// <summary>PyTorch's phase arithmetic: the value moves from <paramref name="values"/>[i] to [i + 1] within phase i.</summary>
    private double Interpolate(long step, long totalSteps, ReadOnlySpan<double> values)
    {
        double rampEnd = WarmupFraction * totalSteps - 1;
        Span<(double End, double From, double To)> phases = values.Length == 4
            ? [(rampEnd, values[0], values[1]), (2 * WarmupFraction * totalSteps - 2, values[1], values[2]), (totalSteps - 1, values[2], values[3])]
            : [(rampEnd, values[0], values[1]), (totalSteps - 1, values[1], values[2])];
        double start = 0;
        for (int i = 0; i < phases.Length; i++)
        {
            var (end, from, to) = phases[i];
            if (step <= end || i == phases.Length - 1)
            {
                double pct = end > start ? (step - start) / (end - start) : 1.0;
                return Anneal == AnnealKind.Cosine
                    ? to + (from - to) / 2 * (Math.Cos(Math.PI * pct) + 1)
                    : (to - from) * pct + from;
            }

            start = end;
        }

        throw new InvalidOperationException("unreachable: the last phase always returns");
    }

    /// <inheritdoc />
    public override void Validate()
    {
        double limit = ThreePhase ? 0.5 : 1;
        if (!(WarmupFraction > 0 && WarmupFraction < limit))
            throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, $"WarmupFraction must be in (0, {limit}).");
        if (!(DivFactor >= 1 && double.IsFinite(DivFactor)))
            throw new ArgumentOutOfRangeException(nameof(DivFactor), DivFactor, "DivFactor must be a finite number of at least 1.");
        if (!(FinalDivFactor >= 1 && double.IsFinite(FinalDivFactor)))
            throw new ArgumentOutOfRangeException(nameof(FinalDivFactor), FinalDivFactor, "FinalDivFactor must be a finite number of at least 1.");
        if (!Enum.IsDefined(Anneal))
            throw new ArgumentOutOfRangeException(nameof(Anneal), Anneal, $"Allowed: {string.Join(", ", Enum.GetNames<AnnealKind>())}.");
        RequireMomentumRange(BaseMomentum, MaxMomentum, nameof(BaseMomentum), nameof(MaxMomentum));
    }
}
