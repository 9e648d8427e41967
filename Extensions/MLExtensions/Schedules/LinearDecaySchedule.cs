namespace MLExtensions;

/// <summary>Linear decay from 1 to <paramref name="FinalFactor"/> over the run.</summary>
/// <param name="FinalFactor">Factor at the last step. Default 0; in [0, 1].</param>
public sealed record LinearDecaySchedule(double FinalFactor = 0.0) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => 1 - (1 - FinalFactor) * Fraction(step, totalSteps);

    /// <inheritdoc />
    public override void Validate() => RequireFactor(FinalFactor, nameof(FinalFactor));
}
