namespace MLExtensions;

/// <summary>
/// The one-cycle policy (Smith &amp; Topin; PyTorch's <c>OneCycleLR</c> over the run's optimizer steps): the rate rises from
/// peak / <paramref name="DivFactor"/> to the peak (the optimizer's learning rate) over the first
/// <paramref name="WarmupFraction"/> of the steps, then falls to peak / (DivFactor · <paramref name="FinalDivFactor"/>) at the
/// last step. With <paramref name="ThreePhase"/> it first falls back to the initial rate over as many steps as it rose, and
/// only then to the final one. Momentum cycling (PyTorch's <c>cycle_momentum</c>) is not applied: a schedule sets rates only.
/// </summary>
/// <param name="WarmupFraction">Share of the steps spent rising (PyTorch's <c>pct_start</c>). Default 0.3; in (0, 1), below 0.5 with three phases.</param>
/// <param name="DivFactor">Peak over the initial rate. Default 25; at least 1.</param>
/// <param name="FinalDivFactor">Initial over the final rate. Default 1e4; at least 1.</param>
/// <param name="Anneal">Shape of each phase. Default <see cref="AnnealKind.Cosine"/>.</param>
/// <param name="ThreePhase">Whether to fall back to the initial rate before the final decay. Default false.</param>
public sealed record OneCycleSchedule(
    double WarmupFraction = 0.3,
    double DivFactor = 25,
    double FinalDivFactor = 1e4,
    AnnealKind Anneal = AnnealKind.Cosine,
    bool ThreePhase = false) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        double initial = 1.0 / DivFactor, final = initial / FinalDivFactor;
        double rampEnd = WarmupFraction * totalSteps - 1;
        Span<(double End, double From, double To)> phases = ThreePhase
            ? [(rampEnd, initial, 1.0), (2 * WarmupFraction * totalSteps - 2, 1.0, initial), (totalSteps - 1, initial, final)]
            : [(rampEnd, initial, 1.0), (totalSteps - 1, 1.0, final)];
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
    }
}
