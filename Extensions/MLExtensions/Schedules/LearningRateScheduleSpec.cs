using System.Text.Json.Serialization;

namespace MLExtensions;

/// <summary>
/// A learning-rate schedule as a pure function of training progress: the loop sets each parameter group's learning rate
/// to its initial value times <see cref="Factor"/>. Specs are immutable, serializable records, usable without ML.NET.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ConstantSchedule), "constant")]
[JsonDerivedType(typeof(CosineSchedule), "cosine")]
[JsonDerivedType(typeof(LinearDecaySchedule), "linear")]
[JsonDerivedType(typeof(WarmupSchedule), "warmup")]
[JsonDerivedType(typeof(StepSchedule), "step")]
[JsonDerivedType(typeof(MultiStepSchedule), "multistep")]
[JsonDerivedType(typeof(ExponentialSchedule), "exponential")]
[JsonDerivedType(typeof(CosineRestartsSchedule), "cosine-restarts")]
[JsonDerivedType(typeof(LinearSchedule), "torch-linear")]
[JsonDerivedType(typeof(PolynomialSchedule), "polynomial")]
[JsonDerivedType(typeof(OneCycleSchedule), "one-cycle")]
[JsonDerivedType(typeof(CyclicSchedule), "cyclic")]
[JsonDerivedType(typeof(RefinedSchedule), "refined")]
public abstract record LearningRateScheduleSpec
{
    /// <summary>The multiplier of the base learning rate for optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public abstract double Factor(long step, long totalSteps);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid member.</summary>
    public abstract void Validate();

    /// <summary>Progress in [0, 1] of step <paramref name="step"/> among <paramref name="totalSteps"/>.</summary>
    protected static double Fraction(long step, long totalSteps) =>
        totalSteps <= 1 ? 0 : Math.Clamp((double)step / (totalSteps - 1), 0, 1);

    /// <summary>Throws when a step count is below 1.</summary>
    protected static void RequirePositive(long value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }

    /// <summary>Throws when a decay factor is outside (0, 1] or not finite.</summary>
    protected static void RequireDecay(double value, string name)
    {
        if (!(value > 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1].");
    }

    /// <summary>Throws when a factor is outside [0, 1] or not finite.</summary>
    protected static void RequireFactor(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
    }
}

/// <summary>Keeps the learning rate at its base value.</summary>
public sealed record ConstantSchedule : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => 1.0;

    /// <inheritdoc />
    public override void Validate() { }
}

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

/// <summary>Linear decay from 1 to <paramref name="FinalFactor"/> over the run.</summary>
/// <param name="FinalFactor">Factor at the last step. Default 0; in [0, 1].</param>
public sealed record LinearDecaySchedule(double FinalFactor = 0.0) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps) => 1 - (1 - FinalFactor) * Fraction(step, totalSteps);

    /// <inheritdoc />
    public override void Validate() => RequireFactor(FinalFactor, nameof(FinalFactor));
}

/// <summary>
/// Linear warm-up from 0 over the first <paramref name="WarmupFraction"/> of the steps, then <paramref name="After"/> over the rest
/// (its progress restarts at the end of the warm-up).
/// </summary>
/// <param name="After">The schedule after the warm-up, e.g. <see cref="CosineSchedule"/>.</param>
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
        After.Validate();
    }
}
