using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AM-AdamW, AdamW with adaptive memory (Topollai &amp; Choromanska 2025, arXiv 2510.04988, Algorithm 3): the first-moment
/// coefficient β is chosen per tensor and per step from a proximal step on a two-plane model in the metric of the diagonal
/// preconditioner <c>P = (1 − β_max·Πβ)(√v̂ + ε)</c>. No official code exists; this follows ALGORITHMS-2.md §2.3.
/// </summary>
/// <remarks>
/// Per tensor: <c>v ← β2·v + (1−β2)·g²</c>; the first step uses β = β_max; later steps use
/// <c>β = clip((gap − ΣM(d−g)(g+λPd) − μ⟨x, d−g⟩)/ΣM(d−g)², 0, β_max)</c> with <c>M = 1/(P(1+λP))</c> and
/// <c>gap = (η_{t−1}/η_t)·⟨g, d/P + μx⟩·(1+μη_t)</c> (β = 0 when the denominator is 0); then
/// <c>d ← ((1−β)g + (λP+β)d)/(1+λP)</c>, <c>x ← (1−μη)x − η·d/P</c>, <c>Π ← Π·β</c>. With λ = 0 and β fixed at β_max this is
/// exactly AdamW with β1 = β_max. β2 stays fixed.
/// </remarks>
public sealed class AdaptiveMemoryAdamW : OptimizerBase<AdaptiveMemoryAdamW.Options, AdaptiveMemoryAdamW.State>
{
    /// <summary>Creates AM-AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="lambda">Proximal weight λ. Default 0.1; at least 0.</param>
    /// <param name="betaMax">Largest first-moment coefficient. Default 0.89 (= 0.9 − 0.1λ); in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay μ. Default 0.01; at least 0.</param>
    public AdaptiveMemoryAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double lambda = 0.1, double betaMax = 0.89, double beta2 = 0.999,
                               double eps = 1e-8, double weightDecay = 0.01)
        : this([new ParamGroup(parameters)], lr, lambda, betaMax, beta2, eps, weightDecay)
    {
    }

    /// <summary>Creates AM-AdamW over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="lambda">Proximal weight λ. Default 0.1; at least 0.</param>
    /// <param name="betaMax">Largest first-moment coefficient. Default 0.89; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay μ. Default 0.01; at least 0.</param>
    public AdaptiveMemoryAdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double lambda = 0.1, double betaMax = 0.89, double beta2 = 0.999,
                               double eps = 1e-8, double weightDecay = 0.01)
        : base(groups, new Options { LearningRate = lr, Lambda = lambda, BetaMax = betaMax, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay })
    {
    }

    /// <summary>When set, every step after the first uses this β instead of the adaptive one (for tests and ablations).</summary>
    internal double? ForcedBeta { get; set; }

    /// <summary>Whether steps reuse their work tensors (default) or allocate them afresh every step, as before issue #13's
    /// change (same arithmetic; for the step benchmark and tests).</summary>
    internal bool ReuseWorkTensors
    {
        get => _buffers.Reuse;
        set => _buffers.Reuse = value;
    }

    private readonly StepBuffers _buffers = new();

    /// <inheritdoc />
    /// <remarks>
    /// Per group, in three passes: every tensor's moment, preconditioner and the inner products β needs (written with the
    /// identities <c>ΣM(d−g)(g+λPd) = ⟨d−g, d/P⟩ − ΣM(d−g)²</c> and
    /// <c>((λP+β)d + (1−β)g)/(1+λP) = d − (1−β)(d−g)/(1+λP)</c>, which need fewer full-size passes); then β for all tensors of
    /// the group at once (a handful of small tensor operations instead of a dozen per tensor, and no host read); then each
    /// tensor's direction and parameter update. Full-size intermediates are written in place into work tensors kept from step
    /// to step (two per parameter, two shared by the group), not allocated: 2 × the parameters' size plus 2 × the largest
    /// tensor's size of extra memory.
    /// </remarks>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, lambda = o.L, betaMax = o.BMax, beta2 = o.B2, eps = o.Eps, mu = o.Wd;
        using var sc = new StepScalars();
        var work = new List<(Parameter X, Tensor G, State State, Tensor P, Tensor Scaled)>();
        var states = new List<(Parameter X, Tensor G, State State)>();
        foreach (var x in group.Parameters)
        {
            if (x.grad is { } g)
                states.Add((x, g, GetState(x)));
        }
        if (states.Count == 0)
            return;

        // c = 1 − β_max·Π of every tensor at once, then ε·c and c/√(1−β2ᵗ) (a tensor's own step count t), one view per tensor:
        // a few small operations for the group instead of four per tensor.
        var bias = new double[states.Count];
        for (int i = 0; i < states.Count; i++)
            bias[i] = 1 / Math.Sqrt(1 - Math.Pow(beta2, ++states[i].State.Step));
        var c = torch.stack(states.Select(s => s.State.BetaProduct)).mul_(sc[-betaMax]).add_(sc[1], sc.One);
        var epsC = c.mul(sc[eps]).unbind();
        var scaleC = c.mul(torch.tensor(bias, dtype: c.dtype, device: c.device)).unbind();

        // The inner products β needs, k per tensor past its first step, in one list (stacked once). No full-size temporaries:
        // P and (d − g)/(1 + λP), needed again by the update below, go to the parameter's work tensors; d − g and the other
        // intermediates to scratch shared by the group's tensors (StepBuffers says why allocating them cost most of the step).
        var products = new List<Tensor>();
        int withProducts = 0;
        for (int i = 0; i < states.Count; i++)
        {
            var (x, g, state) = states[i];
            var v = state.ExpAvgSq;
            var d = state.Direction;
            v.mul_(sc[beta2]).addcmul_(g, g, value: sc[1 - beta2]);
            // P = (√(v/(1−β2ᵗ)) + ε)·(1 − β_max·Π), as √v·c/√(1−β2ᵗ) + ε·c.
            var p = _buffers.For(x, 0).Shaped.copy_(v).sqrt_().mul_(scaleC[i]).add_(epsC[i], sc.One);
            var (diff, flatDiff) = _buffers.Shared(x, 0);
            diff.copy_(d).add_(g, alpha: sc[-1]);
            var (scratch, flatScratch) = _buffers.Shared(x, 1);
            bool needsProducts = state.Step > 1 && ForcedBeta is null;
            Tensor? diffDotU = null, gDotU = null, flatG = null;
            if (needsProducts)
            {
                flatG = g.flatten();
                scratch.copy_(d).div_(p);                                       // d/P
                diffDotU = flatDiff.dot(flatScratch);                           // ⟨d−g, d/P⟩
                gDotU = flatG.dot(flatScratch);                                 // ⟨g, d/P⟩
            }
            var onePlusLambdaP = scratch.fill_(sc.One).add_(p, alpha: sc[lambda]);
            var scaled = _buffers.For(x, 1).Shaped.copy_(diff).div_(onePlusLambdaP);   // (d − g)/(1 + λP)
            work.Add((x, g, state, p, scaled));
            if (!needsProducts)
                continue;
            scratch.copy_(scaled).div_(p);
            products.Add(flatScratch.dot(flatDiff));                          // ΣM(d−g)²
            products.Add(diffDotU!);
            products.Add(gDotU!);
            if (mu != 0)
            {
                var flatX = x.flatten();
                products.Add(flatX.dot(flatDiff));                            // ⟨x, d−g⟩
                products.Add(flatX.dot(flatG!));                              // ⟨x, g⟩
            }
            products.Add(state.PreviousLearningRate);
            withProducts++;
        }

        // β for every tensor at once (column j of the stacked products); β_max at a tensor's first step.
        var beta = ForcedBeta is { } forced
            ? FirstStepsAtBetaMax(torch.full(work.Count, sc[forced], dtype: work[0].P.dtype, device: work[0].P.device), work, betaMax, sc)
            : ComputeBeta(work, products, withProducts, lr, mu, betaMax, sc);
        var betas = beta.unbind();
        var oneMinusBeta = beta.neg().add_(sc[1], sc.One).unbind();

        for (int i = 0; i < work.Count; i++)
        {
            var (x, _, state, p, scaled) = work[i];
            var b = betas[i];
            state.Direction.addcmul_(scaled, oneMinusBeta[i], sc[-1]);       // d ← d − (1−β)(d−g)/(1+λP)
            if (mu != 0)
                x.mul_(sc[1 - mu * lr]);
            x.addcdiv_(state.Direction, p, value: sc[-lr]);
            state.BetaProduct.mul_(b);
            state.LastBeta.copy_(b);
            state.PreviousLearningRate.fill_(sc[lr]);
        }
    }, closure);

    /// <summary>
    /// <c>β = clip((gap − ⟨d−g, d/P⟩ + ΣM(d−g)² − μ⟨x, d−g⟩)/ΣM(d−g)², 0, β_max)</c> per tensor (0 when the denominator is 0),
    /// β_max for tensors at their first step.
    /// </summary>
    private static Tensor ComputeBeta(List<(Parameter X, Tensor G, State State, Tensor P, Tensor Scaled)> work, List<Tensor> products,
                                      int withProducts, double lr, double mu, double betaMax, StepScalars sc)
    {
        var dtype = work[0].P.dtype;
        var device = work[0].P.device;
        if (withProducts == 0)
            return torch.full(work.Count, sc[betaMax], dtype: dtype, device: device);
        // rows: the products above, columns: tensors
        var q = torch.stack(products).view(withProducts, products.Count / withProducts).t();
        var den = q[0];
        var num = den.add(q[1], alpha: sc[-1]);
        int last = (int)q.shape[0] - 1;
        if (mu != 0)
            num = num.add_(q[3], alpha: sc[-mu]);
        if (lr > 0)
        {
            var inner = mu != 0 ? q[2].add(q[4], alpha: sc[mu]) : q[2];      // ⟨g, d/P + μx⟩
            num = num.addcmul_(inner, q[last], value: sc[(1 + mu * lr) / lr]);
        }
        var computed = torch.where(den.gt(sc[0]), num.div_(den.clamp_min(sc[double.Epsilon])).clamp_(sc[0], sc[betaMax]), torch.zeros_like(den));
        if (withProducts == work.Count)
            return computed;
        // Some tensors are at their first step (no products): β_max for them, the computed β for the others.
        var result = torch.full(work.Count, sc[betaMax], dtype: dtype, device: device);
        int k = 0;
        for (int i = 0; i < work.Count; i++)
            if (work[i].State.Step > 1)
                result[i].copy_(computed[k++]);
        return result;
    }

    /// <summary>Sets β_max for the tensors at their first step.</summary>
    private static Tensor FirstStepsAtBetaMax(Tensor beta, List<(Parameter X, Tensor G, State State, Tensor P, Tensor Scaled)> work, double betaMax, StepScalars sc)
    {
        for (int i = 0; i < work.Count; i++)
            if (work[i].State.Step == 1)
                beta[i].fill_(sc[betaMax]);
        return beta;
    }

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _buffers.Dispose();
    }

    /// <summary>AM-AdamW's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Proximal weight λ; at least 0.</summary>
        public double? Lambda { get; set; }
        /// <summary>Largest first-moment coefficient; in [0, 1).</summary>
        public double? BetaMax { get; set; }
        /// <summary>Second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Decoupled weight decay μ; at least 0.</summary>
        public double? WeightDecay { get; set; }

        internal double L => Required(Lambda, nameof(Lambda));
        internal double BMax => Required(BetaMax, nameof(BetaMax));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.NonNegative(L, nameof(Lambda));
            OptimizerChecks.UnitInterval(BMax, nameof(BetaMax));
            OptimizerChecks.UnitInterval(B2, nameof(Beta2));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
        }
    }

    /// <summary>AM-AdamW's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 5)
    {
        /// <summary>The memory direction <c>d</c> (a first moment that is not bias-corrected; <c>d/P</c> is the step).</summary>
        public Tensor Direction => RequireSlot(0);
        /// <summary>Second moment <c>v</c>.</summary>
        public Tensor ExpAvgSq => RequireSlot(1);
        /// <summary>Product of the β chosen so far (scalar; 1 before the first step).</summary>
        public Tensor BetaProduct => RequireSlot(2);
        /// <summary>The β chosen by the last step (scalar).</summary>
        public Tensor LastBeta => RequireSlot(3);
        /// <summary>The learning rate of the last step (scalar), for the loss-gap term.</summary>
        public Tensor PreviousLearningRate => RequireSlot(4);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            SetSlot(1, ZerosLikeParameter());
            SetSlot(2, OneScalar());
            SetSlot(3, ZeroScalar());
            SetSlot(4, ZeroScalar());
        }
    }

    /// <summary>A group of parameters with its own AM-AdamW options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }
    }
}
