using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// LARS, layer-wise adaptive rate scaling (You et al. 2017, arXiv 1708.03888), as in kozistr/pytorch_optimizer 3.9.0
/// (<c>LARS</c>, single-tensor path): for tensors with ndim &gt; 1 the gradient plus weight decay is scaled by
/// <c>trust_coefficient·‖p‖/‖g‖</c>; vectors and scalars get plain momentum SGD with no decay.
/// </summary>
/// <remarks>As in the reference, the momentum buffer starts as a copy of the raw (unscaled) first gradient.</remarks>
public sealed class Lars : OptimizerBase<Lars.Options, Lars.State>, torch.optim.IMomentum
{
    /// <summary>Creates LARS over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="momentum">Momentum factor; 0 disables momentum. Default 0.9; in [0, 1).</param>
    /// <param name="dampening">Momentum dampening. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">Weight decay added to the gradient of tensors with ndim &gt; 1. Default 0; at least 0.</param>
    /// <param name="trustCoefficient">Trust coefficient of the layer-wise scale. Default 1e-3; greater than 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    public Lars(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0.9, double dampening = 0, double weightDecay = 0,
                double trustCoefficient = 1e-3, bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, trustCoefficient, nesterov)
    {
    }

    /// <summary>Creates LARS over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="momentum">Momentum factor; 0 disables momentum. Default 0.9; in [0, 1).</param>
    /// <param name="dampening">Momentum dampening. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">Weight decay added to the gradient of tensors with ndim &gt; 1. Default 0; at least 0.</param>
    /// <param name="trustCoefficient">Trust coefficient of the layer-wise scale. Default 1e-3; greater than 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    public Lars(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0.9, double dampening = 0, double weightDecay = 0,
                double trustCoefficient = 1e-3, bool nesterov = false)
        : base(groups, new Options
        {
            LearningRate = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, TrustCoefficient = trustCoefficient,
            Nesterov = nesterov,
        })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, momentum = o.Mu;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            long t = ++state.Step;
            var raw = grad;
            if (p.dim() > 1)
            {
                var paramNorm = p.norm();
                var gradNorm = grad.norm();
                var usable = paramNorm.gt(sc[0]).logical_and_(gradNorm.gt(sc[0]));
                var trust = torch.where(usable, paramNorm.mul(sc[o.Trust]).div_(gradNorm), torch.ones_like(paramNorm));
                grad = grad.add(p, alpha: sc[o.Wd]).mul_(trust);
            }
            if (momentum != 0)
            {
                var buf = state.MomentumBuffer;
                if (t == 1)
                    buf.copy_(raw);
                buf.mul_(sc[momentum]).add_(grad, alpha: sc[1 - o.Damp]);
                grad = o.Nest ? grad.add(buf, alpha: sc[momentum]) : buf;
            }
            p.add_(grad, alpha: sc[-lr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>LARS's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IMomentumOptions
    {
        /// <summary>Momentum factor; in [0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Momentum dampening; in [0, 1).</summary>
        public double? Dampening { get; set; }
        /// <summary>Weight decay (tensors with ndim &gt; 1 only); at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Trust coefficient; greater than 0.</summary>
        public double? TrustCoefficient { get; set; }
        /// <summary>Nesterov momentum.</summary>
        public bool? Nesterov { get; set; }

        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Damp => Required(Dampening, nameof(Dampening));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal double Trust => Required(TrustCoefficient, nameof(TrustCoefficient));
        internal bool Nest => Required(Nesterov, nameof(Nesterov));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.UnitInterval(Damp, nameof(Dampening));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            OptimizerChecks.Positive(Trust, nameof(TrustCoefficient));
            _ = Nest;
        }
    }

    /// <summary>LARS's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The momentum buffer.</summary>
        public Tensor MomentumBuffer => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options) => SetSlot(0, ZerosLikeParameter());
    }

    /// <summary>A group of parameters with its own LARS options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>, torch.optim.IMomentum
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }

        /// <summary>This group's momentum, which TorchSharp's <c>OneCycleLR</c> and <c>CyclicLR</c> cycle with <c>cycle_momentum</c>; validated like the option.</summary>
        public double Momentum { get => ExternalMomentum.Momentum(Options); set => ExternalMomentum.SetMomentum(Options, value); }
    }

    /// <summary>The default momentum, inherited by groups added later (TorchSharp's <c>IMomentum</c>, as its SGD).</summary>
    public double Momentum { get => ExternalMomentum.Momentum(Defaults); set => ExternalMomentum.SetMomentum(Defaults, value); }
}
