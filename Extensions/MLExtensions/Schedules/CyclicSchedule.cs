namespace MLExtensions;

/// <summary>
/// Cyclical learning rates (Smith; PyTorch's <c>CyclicLR</c> stepped once per optimizer step): the factor climbs from
/// <paramref name="BaseFactor"/> to 1 (the optimizer's learning rate is the peak) over <paramref name="StepsUp"/> steps, falls
/// back over <paramref name="StepsDown"/> steps, and repeats, with the amplitude scaled by <paramref name="Mode"/>. With
/// <paramref name="CycleMomentum"/> (PyTorch's <c>cycle_momentum</c>, on by default) the controller also sets the optimizer's
/// momentum (its <c>Momentum</c>, else <c>Beta1</c>) inversely: <paramref name="MaxMomentum"/> − (Max − Base) · the same scaled
/// position; optimizers with neither option are left alone.
/// </summary>
/// <param name="BaseFactor">Lowest factor (PyTorch's base_lr / max_lr). Default 0.1; in [0, 1).</param>
/// <param name="StepsUp">Steps of the rising half. Default 2000 (PyTorch's); at least 1.</param>
/// <param name="StepsDown">Steps of the falling half. Default <c>null</c>: as many as <paramref name="StepsUp"/>; at least 1 when set.</param>
/// <param name="Mode">Amplitude policy. Default <see cref="CyclicMode.Triangular"/>.</param>
/// <param name="Gamma">Per-step amplitude decay of <see cref="CyclicMode.ExpRange"/>. Default 1; in (0, 1].</param>
/// <param name="CycleMomentum">Whether to cycle the momentum inversely to the rate. Default true (PyTorch's).</param>
/// <param name="BaseMomentum">Momentum at the peak rate. Default 0.8 (PyTorch's); in [0, <paramref name="MaxMomentum"/>].</param>
/// <param name="MaxMomentum">Momentum at the lowest rate. Default 0.9 (PyTorch's); in [<paramref name="BaseMomentum"/>, 1).</param>
public sealed record CyclicSchedule(
    double BaseFactor = 0.1,
    long StepsUp = 2000,
    long? StepsDown = null,
    CyclicMode Mode = CyclicMode.Triangular,
    double Gamma = 1.0,
    bool CycleMomentum = true,
    double BaseMomentum = 0.8,
    double MaxMomentum = 0.9) : LearningRateScheduleSpec, IMomentumCycling
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        var (scale, amplitude) = Position(step);
        return BaseFactor + (1 - BaseFactor) * scale * amplitude;
    }

    /// <inheritdoc />
    double IMomentumCycling.MomentumAt(long step, long totalSteps)
    {
        var (scale, amplitude) = Position(step);
        return MaxMomentum - (MaxMomentum - BaseMomentum) * scale * amplitude;
    }

    /// <summary>PyTorch's position in the cycle (scale_factor) and the mode's amplitude (scale_fn) at step <paramref name="step"/>.</summary>
    private (double Scale, double Amplitude) Position(long step)
    {
        double up = StepsUp, total = up + (StepsDown ?? StepsUp);
        double ratio = up / total;
        double cycle = Math.Floor(1 + step / total);
        double x = 1.0 + step / total - cycle;
        double scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
        double amplitude = Mode switch
        {
            CyclicMode.Triangular2 => 1 / Math.Pow(2, cycle - 1),
            CyclicMode.ExpRange => Math.Pow(Gamma, step),
            _ => 1.0,
        };
        return (scale, amplitude);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(BaseFactor >= 0 && BaseFactor < 1))
            throw new ArgumentOutOfRangeException(nameof(BaseFactor), BaseFactor, "BaseFactor must be in [0, 1).");
        RequirePositive(StepsUp, nameof(StepsUp));
        if (StepsDown is { } down) RequirePositive(down, nameof(StepsDown));
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"Allowed: {string.Join(", ", Enum.GetNames<CyclicMode>())}.");
        RequireDecay(Gamma, nameof(Gamma));
        RequireMomentumRange(BaseMomentum, MaxMomentum, nameof(BaseMomentum), nameof(MaxMomentum));
    }
}
