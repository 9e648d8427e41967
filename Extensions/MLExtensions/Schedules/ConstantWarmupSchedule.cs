namespace MLExtensions;

/// <summary>
/// PyTorch's <c>ConstantLR</c>: the factor is <paramref name="StartFactor"/> for the first <paramref name="Steps"/> optimizer
/// steps, then 1. Often the first part of a <see cref="SequentialSchedule"/>.
/// </summary>
/// <param name="StartFactor">Factor before step <paramref name="Steps"/>. Default 1/3 (PyTorch's <c>factor</c>); in (0, 1]
/// (PyTorch takes 0 but then divides by it at <c>total_iters</c>).</param>
/// <param name="Steps">Steps at the reduced rate. Default 5 (PyTorch's <c>total_iters</c>); at least 1.</param>
public sealed record ConstantWarmupSchedule(double StartFactor = 1.0 / 3, long Steps = 5) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => step < Steps ? StartFactor : 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        RequireDecay(StartFactor, nameof(StartFactor));
        RequirePositive(Steps, nameof(Steps));
    }
}
