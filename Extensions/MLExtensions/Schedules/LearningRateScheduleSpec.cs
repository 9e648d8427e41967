using System.Text.Json.Serialization;
using TorchSharp;

namespace MLExtensions;

/// <summary>
/// A learning-rate schedule: an immutable, serializable record, usable without ML.NET. Pure schedules are a function of training
/// progress (<see cref="Factor"/>); each run gets a controller (<see cref="CreateController"/>) that sets every parameter group's
/// learning rate to its initial value times the factor before each optimizer step. Feedback schedules (which read gradients)
/// override <see cref="CreateController"/>.
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
[JsonDerivedType(typeof(ConstantWarmupSchedule), "torch-constant")]
[JsonDerivedType(typeof(PolynomialSchedule), "polynomial")]
[JsonDerivedType(typeof(OneCycleSchedule), "one-cycle")]
[JsonDerivedType(typeof(CyclicSchedule), "cyclic")]
[JsonDerivedType(typeof(RefinedSchedule), "refined")]
[JsonDerivedType(typeof(HypergradientSchedule), "hypergradient")]
[JsonDerivedType(typeof(LantonSchedule), "lanton")]
[JsonDerivedType(typeof(ReduceOnPlateauSchedule), "plateau")]
[JsonDerivedType(typeof(SequentialSchedule), "sequential")]
public abstract record LearningRateScheduleSpec
{
    /// <summary>The multiplier of the base learning rate for optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public abstract double Factor(long step, long totalSteps);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid member.</summary>
    public abstract void Validate();

    /// <summary>Validates, then creates the per-run controller that sets <paramref name="optimizer"/>'s learning rates (and momentum
    /// where the schedule cycles it) before every step; dispose it after the run.</summary>
    /// <param name="optimizer">The run's optimizer; its groups' initial learning rates are the base rates the factors multiply.</param>
    public virtual IScheduleController CreateController(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Validate();
        return new FactorScheduleController(this, optimizer);
    }

    /// <summary>
    /// Throws when <paramref name="inner"/> does more than give a factor: a feedback schedule (one whose controller reads the run:
    /// it overrides <see cref="CreateController"/>) or one that cycles the momentum (<c>CycleMomentum</c>). A schedule that takes
    /// another one uses only the other's <see cref="Factor"/>, so the feedback or the momentum cycle would be dropped without a word.
    /// </summary>
    /// <param name="inner">The schedule taken (null passes).</param>
    /// <param name="name">The member that holds it, e.g. <c>Base</c>.</param>
    /// <param name="hint">What to write instead of a feedback schedule, appended to the message (may be empty).</param>
    private protected static void RequireFactorOnly(LearningRateScheduleSpec? inner, string name, string hint)
    {
        if (inner is null) return;
        if (inner is IMomentumCycling { CycleMomentum: true })
            throw new ArgumentOutOfRangeException(name, inner.GetType().Name,
                $"{name} cycles the momentum ({inner.GetType().Name} with CycleMomentum: true), but only its factor would be used here. " +
                "Set CycleMomentum: false on it, or give it directly as the run's schedule.");
        var createController = inner.GetType().GetMethod(nameof(CreateController), [typeof(torch.optim.Optimizer)]);
        if (createController?.DeclaringType == typeof(LearningRateScheduleSpec)) return;
        throw new ArgumentOutOfRangeException(name, inner.GetType().Name,
            $"{name} must be a closed-form schedule; {inner.GetType().Name} is a feedback schedule, and only its factor would be used. {hint}".TrimEnd());
    }

    /// <summary>Progress in [0, 1] of step <paramref name="step"/> among <paramref name="totalSteps"/>.</summary>
    protected static double Fraction(long step, long totalSteps) =>
        totalSteps <= 1 ? 0 : Math.Clamp((double)step / (totalSteps - 1), 0, 1);

    /// <summary>Throws when a step count is below 1.</summary>
    protected static void RequirePositive(long value, string name)
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1.");
    }

    /// <summary>Throws when a decay (or start) factor is outside (0, 1] or not finite.</summary>
    protected static void RequireDecay(double value, string name)
    {
        if (!(value > 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1].");
    }

    /// <summary>Throws when a multiplier is not a finite number above 0.</summary>
    private protected static void RequirePositiveFinite(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number above 0.");
    }

    /// <summary>Throws when a factor is outside [0, 1] or not finite.</summary>
    protected static void RequireFactor(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
    }

    /// <summary>Throws unless 0 ≤ <paramref name="baseMomentum"/> ≤ <paramref name="maxMomentum"/> &lt; 1.</summary>
    private protected static void RequireMomentumRange(double baseMomentum, double maxMomentum, string baseName, string maxName)
    {
        if (!(baseMomentum >= 0 && baseMomentum < 1))
            throw new ArgumentOutOfRangeException(baseName, baseMomentum, $"{baseName} must be in [0, 1).");
        if (!(maxMomentum >= baseMomentum && maxMomentum < 1))
            throw new ArgumentOutOfRangeException(maxName, maxMomentum, $"{maxName} must be in [{baseName}, 1).");
    }
}
