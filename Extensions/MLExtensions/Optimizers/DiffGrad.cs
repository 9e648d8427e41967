using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// diffGrad (Dubey et al. 2019, arXiv 1909.11015): Adam whose first moment is damped by a friction coefficient
/// <c>1/(1+exp(-|g_prev - g|))</c>, as in shivram1987/diffGrad <c>diffGrad_v2.py</c>.
/// </summary>
/// <remarks>Weight decay is L2 (added to the gradient, and the decayed gradient is the one remembered); eps is not bias-corrected.</remarks>
public sealed class DiffGrad : OptimizerBase<DiffGrad.Options, DiffGrad.State>, torch.optim.IBetas
{
    /// <summary>Creates diffGrad over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">L2 penalty. Default 0; at least 0.</param>
    public DiffGrad(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>Creates diffGrad over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">L2 penalty. Default 0; at least 0.</param>
    public DiffGrad(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(groups, new Options { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay })
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
            long t = ++state.Step;
            if (wd != 0)
                grad = grad.add(p, alpha: sc[wd]);
            var m = state.ExpAvg;
            var v = state.ExpAvgSq;
            var previous = state.PreviousGrad;
            m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
            v.mul_(sc[beta2]).addcmul_(grad, grad, value: sc[1 - beta2]);
            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            // friction = 1/(1 + exp(-|g_prev - g|)) = sigmoid(|g_prev - g|), computed in place in one temporary.
            var update = (previous - grad).abs_().sigmoid_().mul_(m);
            previous.copy_(grad);
            double stepSize = lr * Math.Sqrt(bc2) / bc1;
            p.addcdiv_(update, v.sqrt().add_(sc[eps], sc.One), value: sc[-stepSize]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>diffGrad's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>First-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>L2 penalty; at least 0.</summary>
        public double? WeightDecay { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.AdamFamily(Required(LearningRate, nameof(LearningRate)), B1, B2, Eps, Wd);
        }
    }

    /// <summary>diffGrad's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 3)
    {
        /// <summary>First moment.</summary>
        public Tensor ExpAvg => RequireSlot(0);
        /// <summary>Second moment.</summary>
        public Tensor ExpAvgSq => RequireSlot(1);
        /// <summary>The previous (L2-decayed) gradient; zero before the first step.</summary>
        public Tensor PreviousGrad => RequireSlot(2);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            for (int i = 0; i < 3; i++)
                SetSlot(i, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own diffGrad options.</summary>
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
