using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// LAMB, layer-wise adaptive moments (You et al. 2019, arXiv 1904.00962 v3), as in cybertronai/pytorch-lamb 1.0.0: an Adam
/// direction plus weight decay, rescaled per tensor by the trust ratio <c>min(‖p‖, 10)/‖step‖</c>. No bias correction.
/// </summary>
public sealed class Lamb : OptimizerBase<Lamb.Options, Lamb.State>, torch.optim.IBetas
{
    /// <summary>Creates LAMB over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-6; greater than 0.</param>
    /// <param name="weightDecay">Weight decay added to the Adam step. Default 0; at least 0.</param>
    /// <param name="adamMode">Force the trust ratio to 1 (plain Adam-like steps, for comparison). Default false.</param>
    public Lamb(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-6,
                double weightDecay = 0, bool adamMode = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, adamMode)
    {
    }

    /// <summary>Creates LAMB over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-6; greater than 0.</param>
    /// <param name="weightDecay">Weight decay added to the Adam step. Default 0; at least 0.</param>
    /// <param name="adamMode">Force the trust ratio to 1. Default false.</param>
    public Lamb(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-6,
                double weightDecay = 0, bool adamMode = false)
        : base(groups, new Options { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay, AdamMode = adamMode })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, beta1 = o.B1, beta2 = o.B2, eps = o.Eps, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            state.Step++;
            var m = state.ExpAvg;
            var v = state.ExpAvgSq;
            m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
            v.mul_(sc[beta2]).addcmul_(grad, grad, value: sc[1 - beta2]);
            var adamStep = m / v.sqrt().add_(sc[eps], sc.One);
            if (wd != 0)
                adamStep.add_(p, alpha: sc[wd]);
            if (o.Adam)
            {
                p.add_(adamStep, alpha: sc[-lr]);
                continue;
            }
            var weightNorm = p.norm().clamp(sc[0], sc[10]);
            var stepNorm = adamStep.norm();
            var usable = weightNorm.gt(sc[0]).logical_and_(stepNorm.gt(sc[0]));
            var trust = torch.where(usable, weightNorm / stepNorm, torch.ones_like(weightNorm));
            p.addcmul_(adamStep, trust, value: sc[-lr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>LAMB's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>First-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Weight decay added to the Adam step; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Force the trust ratio to 1.</summary>
        public bool? AdamMode { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Adam => Required(AdamMode, nameof(AdamMode));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.AdamFamily(Required(LearningRate, nameof(LearningRate)), B1, B2, Eps, Wd);
            _ = Adam;
        }
    }

    /// <summary>LAMB's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 2)
    {
        /// <summary>First moment.</summary>
        public Tensor ExpAvg => RequireSlot(0);
        /// <summary>Second moment.</summary>
        public Tensor ExpAvgSq => RequireSlot(1);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            SetSlot(1, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own LAMB options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>, torch.optim.IBetas
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }

        /// <summary>This group's (β1, β2), which TorchSharp's <c>OneCycleLR</c> cycles (β1) with <c>cycle_momentum</c>; validated like the options.</summary>
        public (double, double) Betas { get => ExternalMomentum.Betas(Options); set => ExternalMomentum.SetBetas(Options, value); }
    }

    /// <summary>The default (β1, β2), inherited by groups added later (TorchSharp's <c>IBetas</c>, as its Adam).</summary>
    public (double, double) Betas { get => ExternalMomentum.Betas(Defaults); set => ExternalMomentum.SetBetas(Defaults, value); }
}
