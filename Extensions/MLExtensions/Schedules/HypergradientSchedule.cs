using Microsoft.ML.SearchSpace;
using TorchSharp;

namespace MLExtensions;

/// <summary>
/// Hypergradient learning rate (ALGORITHMS.md D4): FedHyper's client scheduler (Wang, Wang and Li, ICLR 2024, arXiv 2310.03156) in
/// its single-machine form, on Baydin et al.'s hypergradient descent (ICLR 2018, arXiv 1703.04782). Each parameter group carries a
/// multiplier h (starting at 1) on top of <see cref="Base"/>: before every step,
/// <c>h ← clip(h · min(MaxGrowth, 1 + Beta · a_t), MinFactor, MaxFactor)</c> with the alignment
/// <c>a_t = cos(g_t, −Δ_{t−1})</c> (or cos(Δ_{t−1}, Δ_{t−2}), see <see cref="Signal"/>) over the group's parameters, and the
/// group's rate is <c>initial rate × Base factor × h</c>. The rate grows while consecutive steps align and shrinks when they
/// oscillate.
/// </summary>
/// <remarks>
/// Deviation, on purpose: FedHyper multiplies by <c>1 + ⟨Δ_s, Δ_{s−1}⟩</c> with raw updates, which scales with η² and the model's
/// size (D4's pitfall); the cosine here is scale-free, and <see cref="Beta"/> is the hyper-learning rate FedHyper lacks. The
/// bounds default to FedHyper's clip of its multiplier, [0.1, 10], and the per-step growth to its cap 1.1. With
/// <see cref="Beta"/> = 0 the rates equal <see cref="Base"/>'s exactly. <see cref="Factor"/> is the base schedule's factor (what
/// a caller without a controller gets). The first step (no previous update) keeps h = 1. Needs one copy of the parameters
/// (two with <see cref="HypergradientSignal.ConsecutiveUpdates"/>).
/// </remarks>
/// <param name="Base">The closed-form schedule the multiplier rides on (no feedback schedule). Default <see langword="null"/>: constant.</param>
/// <param name="Beta">Hyper-learning rate on the cosine: h changes by a factor 1 + Beta·a per step. Default 0.02; in [0, 1).</param>
/// <param name="MinFactor">Lower bound of h. Default 0.1; in [0, 1].</param>
/// <param name="MaxFactor">Upper bound of h. Default 10; finite, at least 1.</param>
/// <param name="MaxGrowth">Largest per-step growth factor of h (FedHyper's min(1.1, ·)). Default 1.1; greater than 1.</param>
/// <param name="Signal">What is compared. Default <see cref="HypergradientSignal.GradientAndUpdate"/>.</param>
public sealed record HypergradientSchedule(
    LearningRateScheduleSpec? Base = null,
    [property: Range(0.0, 0.1, 0.02)] double Beta = 0.02,
    double MinFactor = 0.1,
    double MaxFactor = 10,
    double MaxGrowth = 1.1,
    HypergradientSignal Signal = HypergradientSignal.GradientAndUpdate) : LearningRateScheduleSpec
{
    /// <summary>The base schedule's factor (the multiplier h needs the run's gradients: see <see cref="CreateController"/>).</summary>
    public override double Factor(long step, long totalSteps) => Base?.Factor(step, totalSteps) ?? 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        RequireFactorOnly(Base, nameof(Base), "");
        Base?.Validate();
        if (!(Beta >= 0 && Beta < 1))
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "Beta must be in [0, 1).");
        if (!(MinFactor >= 0 && MinFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(MinFactor), MinFactor, "MinFactor must be in [0, 1].");
        if (!(MaxFactor >= 1) || double.IsInfinity(MaxFactor))
            throw new ArgumentOutOfRangeException(nameof(MaxFactor), MaxFactor, "MaxFactor must be a finite number of at least 1.");
        if (!(MaxGrowth > 1) || double.IsInfinity(MaxGrowth))
            throw new ArgumentOutOfRangeException(nameof(MaxGrowth), MaxGrowth, "MaxGrowth must be a finite number greater than 1.");
        if (!Enum.IsDefined(Signal))
            throw new ArgumentOutOfRangeException(nameof(Signal), Signal, $"Allowed: {string.Join(", ", Enum.GetNames<HypergradientSignal>())}.");
    }

    /// <summary>Validates, then creates the controller that adapts each group's multiplier from its gradients and updates.</summary>
    /// <param name="optimizer">The run's optimizer.</param>
    public override IScheduleController CreateController(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Validate();
        return new HypergradientController(this, optimizer);
    }
}
