using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AM-SGD, heavy-ball SGD with adaptive memory (Topollai &amp; Choromanska 2025, arXiv 2510.04988, Algorithm 1): every step
/// picks the momentum coefficient β from a proximal step on a two-plane model (current gradient plane and memory plane):
/// <c>β = clip((‖g‖² + 2λ⟨g,d⟩ − λ‖d‖²)/‖g − d‖², 0, β_max)</c>, then <c>d ← ((β+λ)·d + (1−β)·g)/(1+λ)</c> and
/// <c>x ← x − η·d</c>. No official code exists; this follows the paper's algorithm as summarized in ALGORITHMS-2.md §2.
/// </summary>
/// <remarks>
/// The inner products run over every parameter of every group (one β per step, model-wide), so <c>Lambda</c> and
/// <c>BetaMax</c> are optimizer-wide; learning rate and weight decay (coupled L2, added to the gradient first) are per group.
/// The first step is plain SGD (<c>d = g</c>); β = 0 when <c>d = g</c>. The loss gap is estimated as <c>η⟨g, d⟩</c>.
/// </remarks>
public sealed class AdaptiveMemorySgd : OptimizerBase<AdaptiveMemorySgd.Options, AdaptiveMemorySgd.State>
{
    private Tensor? _lastBeta;

    /// <summary>Creates AM-SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="lambda">Proximal weight λ pulling the step towards the heavy-ball point. Default 0.1; at least 0.</param>
    /// <param name="betaMax">Largest momentum coefficient. Default 0.9; in [0, 1).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    public AdaptiveMemorySgd(IEnumerable<Parameter> parameters, double lr = 0.01, double lambda = 0.1, double betaMax = 0.9, double weightDecay = 0)
        : this([new ParamGroup(parameters)], lr, lambda, betaMax, weightDecay)
    {
    }

    /// <summary>Creates AM-SGD over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="lambda">Proximal weight λ (optimizer-wide). Default 0.1; at least 0.</param>
    /// <param name="betaMax">Largest momentum coefficient (optimizer-wide). Default 0.9; in [0, 1).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    public AdaptiveMemorySgd(IEnumerable<ParamGroup> groups, double lr = 0.01, double lambda = 0.1, double betaMax = 0.9, double weightDecay = 0)
        : base(groups, new Options { LearningRate = lr, Lambda = lambda, BetaMax = betaMax, WeightDecay = weightDecay })
    {
    }

    /// <summary>The momentum coefficient β chosen by the last step (NaN before the second step).</summary>
    public double LastBeta => _lastBeta is null ? double.NaN : _lastBeta.to(float64).cpu().item<double>();

    /// <summary>When set, every step after the first uses this β instead of the adaptive one (for tests and ablations).</summary>
    internal double? ForcedBeta { get; set; }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using var enable = torch.enable_grad();
            loss = closure();
        }

        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            double lambda = Defaults.L, betaMax = Defaults.BMax;
            using var sc = new StepScalars();
            var items = ParametersWithGrad()
                .Select(x => (x.Parameter, Grad: x.Options.Wd != 0 ? x.Grad.add(x.Parameter, alpha: sc[x.Options.Wd]) : x.Grad, x.Options, x.State))
                .ToList();
            var withMemory = items.Where(x => x.State.Step > 0).ToList();
            Tensor? beta = null;
            if (withMemory.Count > 0)
            {
                static Tensor Dot(Tensor a, Tensor b) => a.flatten().dot(b.flatten());
                var sgg = torch.stack(withMemory.Select(x => Dot(x.Grad, x.Grad))).sum();
                var sgd = torch.stack(withMemory.Select(x => Dot(x.Grad, x.State.Direction))).sum();
                var sdd = torch.stack(withMemory.Select(x => Dot(x.State.Direction, x.State.Direction))).sum();
                var den = (sgg - sc[2] * sgd).add_(sdd, alpha: sc.One);
                var num = sgg.add(sc[2 * lambda] * sgd, alpha: sc.One) - sc[lambda] * sdd;
                beta = ForcedBeta is { } forced
                    ? torch.full_like(den, sc[forced])
                    : torch.where(den.gt(sc[0]), (num / den.clamp_min(sc[double.Epsilon])).clamp(sc[0], sc[betaMax]), torch.zeros_like(den));
                var old = _lastBeta;
                _lastBeta = beta.detach().clone().DetachFromDisposeScope();
                old?.Dispose();
            }

            var memoryWeight = beta is null ? null : beta.add(sc[lambda], alpha: sc.One) / sc[1 + lambda];
            var gradientWeight = beta is null ? null : (torch.ones_like(beta) - beta) / sc[1 + lambda];
            foreach (var (p, g, o, state) in items)
            {
                var d = state.Direction;
                if (state.Step++ == 0)
                    d.copy_(g);
                else
                    d.mul_(memoryWeight!.to(d.dtype)).addcmul_(g, gradientWeight!.to(d.dtype), value: sc[1]);
                p.add_(d, alpha: sc[-o.LearningRate!.Value]);
            }
        }

        return loss!;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _lastBeta?.Dispose();
    }

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>AM-SGD's hyperparameters for one group (Lambda and BetaMax are read from the optimizer-wide defaults).</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Proximal weight λ; at least 0.</summary>
        public double? Lambda { get; set; }
        /// <summary>Largest momentum coefficient; in [0, 1).</summary>
        public double? BetaMax { get; set; }
        /// <summary>L2 penalty added to the gradient; at least 0.</summary>
        public double? WeightDecay { get; set; }

        internal double L => Required(Lambda, nameof(Lambda));
        internal double BMax => Required(BetaMax, nameof(BetaMax));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.NonNegative(L, nameof(Lambda));
            OptimizerChecks.UnitInterval(BMax, nameof(BetaMax));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
        }
    }

    /// <summary>AM-SGD's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The memory direction <c>d</c> (the last step divided by the learning rate).</summary>
        public Tensor Direction => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options) => SetSlot(0, ZerosLikeParameter());
    }

    /// <summary>A group of parameters with its own AM-SGD learning rate and weight decay.</summary>
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
