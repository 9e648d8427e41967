namespace MLExtensions;

/// <summary>
/// Cosine annealing with warm restarts (Loshchilov &amp; Hutter's SGDR; PyTorch's <c>CosineAnnealingWarmRestarts</c> stepped once
/// per optimizer step): within a cycle of T steps, factor = MinFactor + (1 − MinFactor)(1 + cos(π·t/T))/2 at the cycle's step t;
/// the first cycle has <paramref name="FirstCycleSteps"/> steps and each next one <paramref name="CycleMultiplier"/> times more.
/// </summary>
/// <param name="FirstCycleSteps">Steps of the first cycle. At least 1.</param>
/// <param name="CycleMultiplier">Growth of the cycle length. Default 1; at least 1.</param>
/// <param name="MinFactor">Lowest factor. Default 0; in [0, 1].</param>
public sealed record CosineRestartsSchedule(long FirstCycleSteps, long CycleMultiplier = 1, double MinFactor = 0.0) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        long t = step, cycle = FirstCycleSteps;
        if (CycleMultiplier == 1)
        {
            t %= cycle;
        }

        while (t >= cycle)
        {
            t -= cycle;
            cycle *= CycleMultiplier;
        }

        return MinFactor + (1 - MinFactor) * (1 + Math.Cos(Math.PI * t / cycle)) / 2;
    }

    /// <inheritdoc />
    public override void Validate()
    {
        RequirePositive(FirstCycleSteps, nameof(FirstCycleSteps));
        RequirePositive(CycleMultiplier, nameof(CycleMultiplier));
        RequireFactor(MinFactor, nameof(MinFactor));
    }
}
