namespace MLExtensions;

/// <summary>
/// PyTorch's <c>LinearLR</c>: the factor moves linearly from <paramref name="StartFactor"/> to <paramref name="EndFactor"/> over
/// <paramref name="Steps"/> optimizer steps and stays there. For a decay to zero over the whole run use
/// <see cref="LinearDecaySchedule"/>, which needs no step count.
/// </summary>
/// <param name="StartFactor">Factor at step 0. Default 1/3 (PyTorch's); in (0, 1].</param>
/// <param name="EndFactor">Factor from step <paramref name="Steps"/> on. Default 1; in [0, 1].</param>
/// <param name="Steps">Steps of the ramp. Default 5 (PyTorch's); at least 1.</param>
public sealed record LinearSchedule(double StartFactor = 1.0 / 3, double EndFactor = 1.0, long Steps = 5) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) =>
        StartFactor + (EndFactor - StartFactor) * Math.Min(step, Steps) / Steps;

    /// <inheritdoc />
    public override void Validate()
    {
        RequireDecay(StartFactor, nameof(StartFactor));
        RequireFactor(EndFactor, nameof(EndFactor));
        RequirePositive(Steps, nameof(Steps));
    }
}
