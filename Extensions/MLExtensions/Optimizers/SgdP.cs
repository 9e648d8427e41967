using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// SGDP (Heo et al. 2021, arXiv 2006.08217), as in clovaai/AdamP 0.3.0: SGD with momentum that removes the radial part of
/// the update of scale-invariant weights. Without Nesterov the projection also rewrites the stored momentum, as in the reference.
/// </summary>
public sealed class SgdP : OptimizerBase<SgdP.Options, SgdP.State>, torch.optim.IMomentum
{
    /// <summary>Creates SGDP over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 0.1; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0; in [0, 1).</param>
    /// <param name="dampening">Momentum dampening. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay, divided by <c>1 - momentum</c>. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    /// <param name="eps">Norm guard. Default 1e-8; greater than 0.</param>
    /// <param name="delta">Cosine threshold for the projection. Default 0.1; greater than 0.</param>
    /// <param name="wdRatio">Weight-decay multiplier for projected parameters. Default 0.1; in [0, 1].</param>
    public SgdP(IEnumerable<Parameter> parameters, double lr = 0.1, double momentum = 0, double dampening = 0, double weightDecay = 0,
                bool nesterov = false, double eps = 1e-8, double delta = 0.1, double wdRatio = 0.1)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, eps, delta, wdRatio)
    {
    }

    /// <summary>Creates SGDP over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 0.1; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0; in [0, 1).</param>
    /// <param name="dampening">Momentum dampening. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay, divided by <c>1 - momentum</c>. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum. Default false.</param>
    /// <param name="eps">Norm guard. Default 1e-8; greater than 0.</param>
    /// <param name="delta">Cosine threshold for the projection. Default 0.1; greater than 0.</param>
    /// <param name="wdRatio">Weight-decay multiplier for projected parameters. Default 0.1; in [0, 1].</param>
    public SgdP(IEnumerable<ParamGroup> groups, double lr = 0.1, double momentum = 0, double dampening = 0, double weightDecay = 0,
                bool nesterov = false, double eps = 1e-8, double delta = 0.1, double wdRatio = 0.1)
        : base(groups, new Options
        {
            LearningRate = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov,
            Epsilon = eps, Delta = delta, WdRatio = wdRatio,
        })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, momentum = o.Mu, wd = o.Wd;
        using var sc = new StepScalars();
        var ps = group.Parameters.Where(p => p.grad is not null).ToList();
        // The scale-invariance test looks at the weights and gradients before the step: all of the group's, then one read.
        var measurements = ps.Select(p => ScaleInvariantProjection.Measure(p, p.grad!, o.Eps, sc)).ToList();
        var decisions = ScaleInvariantProjection.Decide(measurements, o.D);
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            var grad = p.grad!;
            var state = GetState(p);
            state.Step++;
            var buf = state.MomentumBuffer;
            buf.mul_(sc[momentum]).add_(grad, alpha: sc[1 - o.Damp]);
            // Without Nesterov the direction IS the buffer, so the projection below rewrites the momentum (reference behaviour).
            var direction = o.Nest ? grad.add(buf, alpha: sc[momentum]) : buf;
            double ratio = ScaleInvariantProjection.Project(p, measurements[i], decisions[i], direction, o.Ratio, o.Eps, sc);
            if (wd != 0)
                p.mul_(sc[1 - lr * wd * ratio / (1 - momentum)]);
            p.add_(direction, alpha: sc[-lr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>SGDP's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IMomentumOptions
    {
        /// <summary>Momentum factor; in [0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Momentum dampening; in [0, 1).</summary>
        public double? Dampening { get; set; }
        /// <summary>Decoupled weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Nesterov momentum.</summary>
        public bool? Nesterov { get; set; }
        /// <summary>Norm guard; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Cosine threshold for the projection; greater than 0.</summary>
        public double? Delta { get; set; }
        /// <summary>Weight-decay multiplier for projected parameters; in [0, 1].</summary>
        public double? WdRatio { get; set; }

        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Damp => Required(Dampening, nameof(Dampening));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Nest => Required(Nesterov, nameof(Nesterov));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double D => Required(Delta, nameof(Delta));
        internal double Ratio => Required(WdRatio, nameof(WdRatio));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.UnitInterval(Damp, nameof(Dampening));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            _ = Nest;
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
            OptimizerChecks.Positive(D, nameof(Delta));
            OptimizerChecks.ClosedUnitInterval(Ratio, nameof(WdRatio));
        }
    }

    /// <summary>SGDP's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The momentum buffer (starts at zero).</summary>
        public Tensor MomentumBuffer => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options) => SetSlot(0, ZerosLikeParameter());
    }

    /// <summary>A group of parameters with its own SGDP options.</summary>
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
