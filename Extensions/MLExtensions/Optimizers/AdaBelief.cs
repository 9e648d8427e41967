using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AdaBelief (Zhuang et al. 2020, arXiv 2010.07468): Adam whose second moment tracks the "belief" <c>(g - m)²</c>, as in
/// juntang-zhuang/Adabelief-Optimizer, adabelief-pytorch 0.2.1, including its optional rectification (RAdam-style),
/// decoupled or L2 weight decay and AMSGrad.
/// </summary>
/// <remarks>
/// As in the reference, <c>eps</c> is added to the second-moment state on every step (so it accumulates), and with
/// <c>rectify</c> the AMSGrad maximum is maintained but not used.
/// </remarks>
public sealed class AdaBelief : OptimizerBase<AdaBelief.Options, AdaBelief.State>, torch.optim.IBetas
{
    /// <summary>Creates AdaBelief over one group of parameters; the defaults are those of adabelief-pytorch 0.2.1.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Belief (second-moment) decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Added to the belief and the denominator. Default 1e-16; greater than 0.</param>
    /// <param name="weightDecay">Weight decay. Default 0; at least 0.</param>
    /// <param name="weightDecouple">Decoupled (AdamW-style) decay instead of L2. Default true.</param>
    /// <param name="fixedDecay">With decoupled decay, multiply by <c>1 - wd</c> instead of <c>1 - lr·wd</c>. Default false.</param>
    /// <param name="rectify">RAdam-style variance rectification. Default true.</param>
    /// <param name="degeneratedToSgd">With rectification, take SGD-with-momentum steps while the variance is untractable. Default true.</param>
    /// <param name="amsgrad">Use the running maximum of the belief. Default false.</param>
    public AdaBelief(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-16,
                     double weightDecay = 0, bool weightDecouple = true, bool fixedDecay = false, bool rectify = true,
                     bool degeneratedToSgd = true, bool amsgrad = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, weightDecouple, fixedDecay, rectify, degeneratedToSgd, amsgrad)
    {
    }

    /// <summary>Creates AdaBelief over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Belief (second-moment) decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Added to the belief and the denominator. Default 1e-16; greater than 0.</param>
    /// <param name="weightDecay">Weight decay. Default 0; at least 0.</param>
    /// <param name="weightDecouple">Decoupled (AdamW-style) decay instead of L2. Default true.</param>
    /// <param name="fixedDecay">With decoupled decay, multiply by <c>1 - wd</c> instead of <c>1 - lr·wd</c>. Default false.</param>
    /// <param name="rectify">RAdam-style variance rectification. Default true.</param>
    /// <param name="degeneratedToSgd">With rectification, take SGD-with-momentum steps while the variance is untractable. Default true.</param>
    /// <param name="amsgrad">Use the running maximum of the belief. Default false.</param>
    public AdaBelief(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-16,
                     double weightDecay = 0, bool weightDecouple = true, bool fixedDecay = false, bool rectify = true,
                     bool degeneratedToSgd = true, bool amsgrad = false)
        : base(groups, new Options
        {
            LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay, WeightDecouple = weightDecouple,
            FixedDecay = fixedDecay, Rectify = rectify, DegeneratedToSgd = degeneratedToSgd, AmsGrad = amsgrad,
        })
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
            if (o.Decouple)
            {
                if (wd != 0)
                    p.mul_(sc[o.Fixed ? 1 - wd : 1 - lr * wd]);
            }
            else if (wd != 0)
            {
                grad = grad.add(p, alpha: sc[wd]);
            }

            double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
            var m = state.ExpAvg;
            var s = state.ExpAvgVar;
            m.mul_(sc[beta1]).add_(grad, alpha: sc[1 - beta1]);
            var residual = grad - m;
            s.mul_(sc[beta2]).addcmul_(residual, residual, value: sc[1 - beta2]).add_(sc[eps], sc.One);
            Tensor second = s;
            if (o.Ams)
            {
                var max = state.MaxExpAvgVar!;
                max.copy_(torch.maximum(max, s));
                second = max;
            }

            if (!o.Rect)
            {
                var denom = second.sqrt().div_(sc[Math.Sqrt(bc2)]).add_(sc[eps], sc.One);
                p.addcdiv_(m, denom, value: sc[-lr / bc1]);
                continue;
            }

            double betaT = Math.Pow(beta2, t);
            double nMax = 2 / (1 - beta2) - 1;
            double n = nMax - 2 * t * betaT / (1 - betaT);
            if (n >= 5)
            {
                double stepSize = Math.Sqrt((1 - betaT) * (n - 4) / (nMax - 4) * (n - 2) / n * nMax / (nMax - 2)) / bc1;
                p.addcdiv_(m, s.sqrt().add_(sc[eps], sc.One), value: sc[-stepSize * lr]);
            }
            else if (o.Degenerate)
            {
                p.add_(m, alpha: sc[-lr / bc1]);
            }
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>AdaBelief's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>First-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Belief decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Added to the belief state and the denominator; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Decoupled weight decay instead of L2.</summary>
        public bool? WeightDecouple { get; set; }
        /// <summary>Decoupled decay multiplies by <c>1 - wd</c> (not scaled by the learning rate).</summary>
        public bool? FixedDecay { get; set; }
        /// <summary>RAdam-style rectification.</summary>
        public bool? Rectify { get; set; }
        /// <summary>Take SGD steps while the rectified variance is untractable.</summary>
        public bool? DegeneratedToSgd { get; set; }
        /// <summary>Use the running maximum of the belief.</summary>
        public bool? AmsGrad { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Decouple => Required(WeightDecouple, nameof(WeightDecouple));
        internal bool Fixed => Required(FixedDecay, nameof(FixedDecay));
        internal bool Rect => Required(Rectify, nameof(Rectify));
        internal bool Degenerate => Required(DegeneratedToSgd, nameof(DegeneratedToSgd));
        internal bool Ams => Required(AmsGrad, nameof(AmsGrad));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.AdamFamily(Required(LearningRate, nameof(LearningRate)), B1, B2, Eps, Wd);
            _ = (Decouple, Fixed, Rect, Degenerate, Ams);
        }
    }

    /// <summary>AdaBelief's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 3)
    {
        /// <summary>First moment <c>m</c>.</summary>
        public Tensor ExpAvg => RequireSlot(0);
        /// <summary>Belief <c>s</c> (EMA of <c>(g - m)²</c>, plus the accumulated eps).</summary>
        public Tensor ExpAvgVar => RequireSlot(1);
        /// <summary>Running maximum of the belief (AMSGrad only).</summary>
        public Tensor? MaxExpAvgVar => GetSlot(2);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            SetSlot(1, ZerosLikeParameter());
            if (((Options)options).Ams)
                SetSlot(2, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own AdaBelief options.</summary>
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
