namespace MLExtensions;

/// <summary>
/// Multiplies the learning rate by <paramref name="Gamma"/> every <paramref name="StepSize"/> optimizer steps (PyTorch's
/// <c>StepLR</c>, stepped once per optimizer step): factor = Gamma^⌊step / StepSize⌋.
/// </summary>
/// <param name="StepSize">Optimizer steps between decays. At least 1.</param>
/// <param name="Gamma">Factor per period. Default 0.1; any finite number above 0 (above 1 the rate grows, as PyTorch allows).</param>
public sealed record StepSchedule(long StepSize, double Gamma = 0.1) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => Math.Pow(Gamma, step / StepSize);

    /// <inheritdoc />
    public override void Validate()
    {
        RequirePositive(StepSize, nameof(StepSize));
        RequirePositiveFinite(Gamma, nameof(Gamma));
    }
}
