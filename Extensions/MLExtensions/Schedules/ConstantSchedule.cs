namespace MLExtensions;

/// <summary>Keeps the learning rate at its base value.</summary>
public sealed record ConstantSchedule : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => 1.0;

    /// <inheritdoc />
    public override void Validate() { }
}
