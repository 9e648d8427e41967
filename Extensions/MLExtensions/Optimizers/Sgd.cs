using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum, dampening and L2 weight decay, step for step as PyTorch's
/// <c>torch.optim.SGD</c>: <c>g += wd·p; b = μ·b + (1 - dampening)·g</c> (<c>b = g</c> on the first step);
/// <c>d = g + μ·b</c> (Nesterov) or <c>b</c>; <c>p -= lr·d</c>. Use it instead of TorchSharp's <c>torch.optim.SGD</c>, whose step
/// passes temporary scalars to LibTorch that a concurrent garbage collection can free mid-call (see the Optimizers README).
/// </summary>
public sealed class Sgd : OptimizerBase<Sgd.Options, Sgd.State>, torch.optim.IMomentum
{
    /// <summary>Creates SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0; in [0, 1).</param>
    /// <param name="dampening">Dampening of the momentum. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum (needs <paramref name="momentum"/> &gt; 0 and zero dampening). Default false.</param>
    public Sgd(IEnumerable<Parameter> parameters, double lr = 0.01, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov)
    {
    }

    /// <summary>Creates SGD over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="momentum">Momentum factor. Default 0; in [0, 1).</param>
    /// <param name="dampening">Dampening of the momentum. Default 0; in [0, 1).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="nesterov">Nesterov momentum (needs <paramref name="momentum"/> &gt; 0 and zero dampening). Default false.</param>
    public Sgd(IEnumerable<ParamGroup> groups, double lr = 0.01, double momentum = 0, double dampening = 0, double weightDecay = 0,
               bool nesterov = false)
        : base(groups, new Options { LearningRate = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, momentum = o.Mu, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            state.Step++;
            if (wd != 0)
                grad = grad.add(p, alpha: sc[wd]);
            if (momentum != 0)
            {
                // As in PyTorch, the buffer starts as a copy of the first (decayed) gradient, without dampening.
                if (state.MomentumBuffer is not { } buf)
                    buf = state.StartMomentum(grad);
                else
                    buf.mul_(sc[momentum]).add_(grad, alpha: sc[1 - o.Damp]);
                grad = o.Nest ? grad.add(buf, alpha: sc[momentum]) : buf;
            }
            p.add_(grad, alpha: sc[-lr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>SGD's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IMomentumOptions
    {
        /// <summary>Momentum factor; in [0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Dampening of the momentum; in [0, 1).</summary>
        public double? Dampening { get; set; }
        /// <summary>L2 penalty added to the gradient; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Nesterov momentum (needs momentum &gt; 0 and zero dampening).</summary>
        public bool? Nesterov { get; set; }

        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Damp => Required(Dampening, nameof(Dampening));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Nest => Required(Nesterov, nameof(Nesterov));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.UnitInterval(Damp, nameof(Dampening));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            if (Nest && (Mu <= 0 || Damp != 0))
                throw new ArgumentOutOfRangeException(nameof(Nesterov), Nest, "Nesterov momentum requires Momentum > 0 and Dampening = 0.");
        }
    }

    /// <summary>SGD's state for one parameter: the momentum buffer (only with momentum, from the first step on).</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The momentum buffer <c>b</c>; <see langword="null"/> before the first step with momentum.</summary>
        public Tensor? MomentumBuffer => GetSlot(0);

        /// <summary>Sets the momentum buffer to a copy of <paramref name="grad"/> and returns it.</summary>
        internal Tensor StartMomentum(Tensor grad)
        {
            SetSlot(0, grad.detach().clone());
            return MomentumBuffer!;
        }

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
        }
    }

    /// <summary>A group of parameters with its own SGD options.</summary>
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
