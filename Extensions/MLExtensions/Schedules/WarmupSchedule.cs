namespace MLExtensions;

/// <summary>
/// Linear warm-up from 0 over the first <paramref name="WarmupFraction"/> of the steps, then <paramref name="After"/> over the rest
/// (its progress restarts at the end of the warm-up).
/// </summary>
/// <param name="After">The closed-form schedule after the warm-up, e.g. <see cref="CosineSchedule"/>; a feedback schedule takes the
/// warm-up as its <c>Base</c> instead.</param>
/// <param name="WarmupFraction">Share of all steps spent warming up. Default 0.05; in [0, 1).</param>
public sealed record WarmupSchedule(LearningRateScheduleSpec After, double WarmupFraction = 0.05) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        long warmupSteps = (long)Math.Round(WarmupFraction * totalSteps);
        if (step < warmupSteps)
            return (step + 1.0) / warmupSteps;
        return After.Factor(step - warmupSteps, totalSteps - warmupSteps);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (After is null)
            throw new ArgumentOutOfRangeException(nameof(After), "The schedule after the warm-up is required.");
        if (!(WarmupFraction >= 0 && WarmupFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "WarmupFraction must be in [0, 1).");
        RequireFactorOnly(After, nameof(After), "To warm up before a feedback schedule, give the warm-up as that schedule's Base.");
        After.Validate();
    }
}
