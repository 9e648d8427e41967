namespace MLExtensions;

/// <summary>
/// Cosine annealing from 1 to <paramref name="FinalFactor"/> (Loshchilov &amp; Hutter, without restarts): over the whole run by
/// default, reaching <paramref name="FinalFactor"/> at the last step; with <paramref name="PeriodSteps"/>, PyTorch's
/// <c>CosineAnnealingLR</c> (T_max = PeriodSteps, stepped once per optimizer step; the cosine continues past T_max).
/// </summary>
/// <param name="FinalFactor">Lowest factor. Default 0; in [0, 1].</param>
/// <param name="PeriodSteps">Steps from the peak to the lowest factor. Default <c>null</c>: the run's length; at least 1 when set.</param>
public sealed record CosineSchedule(double FinalFactor = 0.0, long? PeriodSteps = null) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        double progress = PeriodSteps is { } period ? (double)step / period : Fraction(step, totalSteps);
        return FinalFactor + (1 - FinalFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <inheritdoc />
    public override void Validate()
    {
        RequireFactor(FinalFactor, nameof(FinalFactor));
        if (PeriodSteps is { } period) RequirePositive(period, nameof(PeriodSteps));
    }
}
