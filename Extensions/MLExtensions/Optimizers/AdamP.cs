using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AdamP (Heo et al. 2021, arXiv 2006.08217), as in clovaai/AdamP 0.3.0: Adam that removes the radial part of the update of
/// scale-invariant weights (and then shrinks their weight decay by <c>wd_ratio</c>), with optional Nesterov momentum.
/// </summary>
public sealed class AdamP : OptimizerBase<AdamP.Options, AdamP.State>, torch.optim.IBetas
{
    /// <summary>Creates AdamP over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term and norm guard. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    /// <param name="delta">Cosine threshold (scaled by 1/√row length) for detecting scale invariance. Default 0.1; greater than 0.</param>
    /// <param name="wdRatio">Weight-decay multiplier for projected parameters. Default 0.1; in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    public AdamP(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 0, double delta = 0.1, double wdRatio = 0.1, bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, delta, wdRatio, nesterov)
    {
    }

    /// <summary>Creates AdamP over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term and norm guard. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    /// <param name="delta">Cosine threshold (scaled by 1/√row length) for detecting scale invariance. Default 0.1; greater than 0.</param>
    /// <param name="wdRatio">Weight-decay multiplier for projected parameters. Default 0.1; in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    public AdamP(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 0, double delta = 0.1, double wdRatio = 0.1, bool nesterov = false)
        : base(groups, new Options
        {
            LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay, Delta = delta,
            WdRatio = wdRatio, Nesterov = nesterov,
        })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, beta1 = o.B1, beta2 = o.B2, eps = o.Eps, wd = o.Wd;
        using var sc = new StepScalars();
        var ps = group.Parameters.Where(p => p.grad is not null).ToList();
        // The scale-invariance test looks at the weights and gradients before the step: all of the group's, then one read.
        var measurements = ps.Select(p => ScaleInvariantProjection.Measure(p, p.grad!, eps, sc)).ToList();
        var decisions = ScaleInvariantProjection.Decide(measurements, o.D);
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            var grad = p.grad!;
            var state = GetState(p);
            long t = ++state.Step;
            var m = state.ExpAvg;
            var v = state.ExpAvgSq;
            m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
            v.mul_(sc[beta2]).addcmul_(grad, grad, value: sc[1 - beta2]);
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            var denom = v.sqrt().div_(sc[Math.Sqrt(bc2)]).add_(sc[eps], sc.One);
            if (decisions[i] == 0 && !o.Nest)
            {
                // Not projected: the Adam step, fused.
                if (wd > 0)
                    p.mul_(sc[1 - lr * wd]);
                p.addcdiv_(m, denom, value: sc[-lr / bc1]);
                continue;
            }
            var perturb = o.Nest ? (m * sc[beta1]).add_(grad, alpha: sc[1 - beta1]).div_(denom) : m / denom;
            double ratio = ScaleInvariantProjection.Project(p, measurements[i], decisions[i], perturb, o.Ratio, eps, sc);
            if (wd > 0)
                p.mul_(sc[1 - lr * wd * ratio]);
            p.add_(perturb, alpha: sc[-lr / bc1]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>AdamP's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>First-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Decoupled weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Cosine threshold for the projection; greater than 0.</summary>
        public double? Delta { get; set; }
        /// <summary>Weight-decay multiplier for projected parameters; in [0, 1].</summary>
        public double? WdRatio { get; set; }
        /// <summary>Nesterov momentum.</summary>
        public bool? Nesterov { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal double D => Required(Delta, nameof(Delta));
        internal double Ratio => Required(WdRatio, nameof(WdRatio));
        internal bool Nest => Required(Nesterov, nameof(Nesterov));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.AdamFamily(Required(LearningRate, nameof(LearningRate)), B1, B2, Eps, Wd);
            OptimizerChecks.Positive(D, nameof(Delta));
            OptimizerChecks.ClosedUnitInterval(Ratio, nameof(WdRatio));
            _ = Nest;
        }
    }

    /// <summary>AdamP's state for one parameter.</summary>
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

    /// <summary>A group of parameters with its own AdamP options.</summary>
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
