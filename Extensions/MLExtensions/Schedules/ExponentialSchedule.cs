namespace MLExtensions;

/// <summary>Multiplies the learning rate by <paramref name="Gamma"/> every optimizer step (PyTorch's <c>ExponentialLR</c>): factor = Gamma^step.</summary>
/// <param name="Gamma">Factor per step: below 1 the rate decays, above 1 it grows (e.g. 1.1 for a learning-rate range test, as
/// PyTorch allows). Any finite number above 0.</param>
public sealed record ExponentialSchedule(double Gamma) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => Math.Pow(Gamma, step);

    /// <inheritdoc />
    public override void Validate() => RequirePositiveFinite(Gamma, nameof(Gamma));
}
