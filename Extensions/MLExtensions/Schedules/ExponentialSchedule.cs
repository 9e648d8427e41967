namespace MLExtensions;

/// <summary>Multiplies the learning rate by <paramref name="Gamma"/> every optimizer step (PyTorch's <c>ExponentialLR</c>): factor = Gamma^step.</summary>
/// <param name="Gamma">Decay per step. In (0, 1].</param>
public sealed record ExponentialSchedule(double Gamma) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => Math.Pow(Gamma, step);

    /// <inheritdoc />
    public override void Validate() => RequireDecay(Gamma, nameof(Gamma));
}
