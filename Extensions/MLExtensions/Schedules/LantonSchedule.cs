using TorchSharp;

namespace MLExtensions;

/// <summary>
/// LANTON, noise-adaptive layerwise learning rates (Hao, Gong, Xu, Wang and Liu 2025, arXiv 2510.14009; ALGORITHMS.md D5,
/// ALGORITHMS-2.md §1, LANTON.md), as a schedule on the optimizer's parameter groups: every matrix gets a group of its own (a
/// "layer"); layers that came from the same group form a norm group. Before each step, per layer,
/// <c>H ← β2·H + (1−β2)·‖G_t − G_{t−1}‖²_dual</c> (option II: the previous gradient stands in for an independent one), and the
/// layer's rate is <c>group rate × Base factor × RATE(H of the norm group)</c>. With <see cref="Noise"/> =
/// <see cref="LantonNoiseEstimate.IndependentGradient"/> (option I) <c>G_{t−1}</c> is replaced by the gradient of a second,
/// independent minibatch at the same weights, handed over with <see cref="IIndependentGradientController.ObserveIndependentGradient"/>.
/// </summary>
/// <remarks>
/// <para><b>The rate rule is a reconstruction.</b> The paper's rule (Algorithm 1, the line before the update) could not be read; the
/// default, form A (<see cref="LantonRateForm.GroupMinimum"/>: the least noisy layer of a group gets the group's rate, noisier ones
/// √(H_min/H_ℓ) of it) is provisional, and the rule is pluggable (<see cref="ILantonRateRule"/>). Also not recovered, and chosen
/// here: β2 = 0.99 (near 1, as the theorem wants), H₀ = 0 with bias correction (the ratios of forms A and B do not depend on it).</para>
/// <para>Dual norms: Muon groups (<c>UseMuon</c>) use √max(1, rows/cols)·‖Δ‖_* (nuclear norm by exact SVD; Muon's LMO is
/// −√max(1, rows/cols)·UVᵀ); matrices of any other optimizer use the entrywise ℓ1 norm, the dual of the sign LMO the paper gives
/// embeddings and heads (an extension: the paper runs on Muon/Scion-style optimizers only). Vectors (biases, gains, and Muon's
/// Adam group) keep the group's scheduled rate: the paper's non-matrix group was not recovered. Option I (a second, independent
/// minibatch) works in the trainers, which then make one extra forward and backward pass per step (see
/// <see cref="LantonNoiseEstimate.IndependentGradient"/>), and in plain TorchSharp loops that call
/// <see cref="IIndependentGradientController.ObserveIndependentGradient"/>. The optimizer's groups are split when the controller is
/// created, so create it before the first step (and read the groups afterwards).</para>
/// </remarks>
/// <param name="Base">The closed-form schedule the layer rates ride on (no feedback schedule). Default <see langword="null"/>: constant.</param>
/// <param name="Beta2">EMA factor of the noise estimate. Default 0.99 (not recovered from the paper); in [0, 1).</param>
/// <param name="Rate">The layer-rate rule. Default <see cref="LantonRateForm.GroupMinimum"/> (form A, provisional).</param>
/// <param name="Epsilon">Guard of the rule against H = 0 (see <see cref="LantonRateRule.For"/>). Default 1e-6; greater than 0.</param>
/// <param name="Noise">Where the second gradient of the noise estimate comes from. Default
/// <see cref="LantonNoiseEstimate.PreviousGradient"/> (option II); <see cref="LantonNoiseEstimate.IndependentGradient"/> (option I)
/// needs a second minibatch's gradient handed to the controller (an <see cref="IIndependentGradientController"/>) before every
/// step: the trainers do it (one extra forward and backward pass per step), a plain TorchSharp loop must do it itself.</param>
public sealed record LantonSchedule(
    LearningRateScheduleSpec? Base = null,
    double Beta2 = 0.99,
    LantonRateForm Rate = LantonRateForm.GroupMinimum,
    double Epsilon = 1e-6,
    LantonNoiseEstimate Noise = LantonNoiseEstimate.PreviousGradient) : LearningRateScheduleSpec
{
    /// <summary>The base schedule's factor (the layer multipliers need the run's gradients: see <see cref="CreateController(torch.optim.Optimizer)"/>).</summary>
    public override double Factor(long step, long totalSteps) => Base?.Factor(step, totalSteps) ?? 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        RequireFactorOnly(Base, nameof(Base), "");
        Base?.Validate();
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "Beta2 must be in [0, 1).");
        if (!Enum.IsDefined(Rate))
            throw new ArgumentOutOfRangeException(nameof(Rate), Rate, $"Allowed: {string.Join(", ", Enum.GetNames<LantonRateForm>())}.");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be a finite number greater than 0.");
        if (!Enum.IsDefined(Noise))
            throw new ArgumentOutOfRangeException(nameof(Noise), Noise, $"Allowed: {string.Join(", ", Enum.GetNames<LantonNoiseEstimate>())}.");
    }

    /// <summary>Validates, splits <paramref name="optimizer"/>'s matrices into one group each, and creates the controller.</summary>
    /// <param name="optimizer">The run's optimizer, before its first step: one of this library's (a coordinate-clipping wrapper is
    /// looked through).</param>
    /// <exception cref="ArgumentException">The optimizer's groups cannot be split.</exception>
    public override IScheduleController CreateController(torch.optim.Optimizer optimizer) =>
        CreateController(optimizer, LantonRateRule.For(Rate, Epsilon));

    /// <summary>As <see cref="CreateController(torch.optim.Optimizer)"/>, with another layer-rate rule than <see cref="Rate"/>.</summary>
    /// <param name="optimizer">The run's optimizer, before its first step.</param>
    /// <param name="rule">The layer-rate rule.</param>
    public IScheduleController CreateController(torch.optim.Optimizer optimizer, ILantonRateRule rule)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(rule);
        Validate();
        return new LantonController(this, optimizer, rule);
    }
}
