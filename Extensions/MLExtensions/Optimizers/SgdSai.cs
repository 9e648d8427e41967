using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// SGD-SaI, SGD with momentum and learning-rate scaling at initialization (Xu et al. 2024, arXiv 2412.11768), as in
/// AnonymousAlethiometer/SGD_SaI 1.0.3: each tensor's step is scaled by its gradient signal-to-noise ratio
/// <c>‖g₁‖/(std(g₁) + eps)</c>, computed once from its first gradient; decoupled weight decay is not scaled.
/// </summary>
/// <remarks>
/// A one-element tensor has an undefined std, taken as 0, so its scale is <c>|g₁|/eps</c>; a tensor whose first gradient is
/// zero gets scale 0 and never moves (both as in the reference). A tensor without a gradient at its first step gets its
/// scale at the first step where it has one.
/// </remarks>
public sealed class SgdSai : OptimizerBase<SgdSai.Options, SgdSai.State>, torch.optim.IMomentum
{
    /// <summary>Creates SGD-SaI over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-2; greater than 0.</param>
    /// <param name="momentum">Momentum (EMA) factor. Default 0.9; in (0, 1).</param>
    /// <param name="eps">Added to the std in the g-SNR. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 1e-2; at least 0.</param>
    public SgdSai(IEnumerable<Parameter> parameters, double lr = 1e-2, double momentum = 0.9, double eps = 1e-8, double weightDecay = 1e-2)
        : this([new ParamGroup(parameters)], lr, momentum, eps, weightDecay)
    {
    }

    /// <summary>Creates SGD-SaI over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-2; greater than 0.</param>
    /// <param name="momentum">Momentum (EMA) factor. Default 0.9; in (0, 1).</param>
    /// <param name="eps">Added to the std in the g-SNR. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 1e-2; at least 0.</param>
    public SgdSai(IEnumerable<ParamGroup> groups, double lr = 1e-2, double momentum = 0.9, double eps = 1e-8, double weightDecay = 1e-2)
        : base(groups, new Options { LearningRate = lr, Momentum = momentum, Epsilon = eps, WeightDecay = weightDecay })
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
            long t = ++state.Step;
            var buf = state.MomentumBuffer;
            if (t == 1)
            {
                var std = grad.numel() > 1 ? grad.std() : torch.zeros_like(state.Gsnr);
                state.Gsnr.copy_(grad.norm() / std.add(sc[o.Eps], sc.One));
                buf.copy_(grad);
            }
            else
            {
                buf.mul_(sc[momentum]).add_(grad, alpha: sc[1 - momentum]);
            }
            if (wd != 0)
                p.mul_(sc[1 - lr * wd]);
            p.add_(buf * state.Gsnr, alpha: sc[-lr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>SGD-SaI's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IMomentumOptions
    {
        /// <summary>Momentum factor; in (0, 1).</summary>
        public double? Momentum { get; set; }
        /// <summary>Added to the std; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>Decoupled weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }

        internal double Mu => Required(Momentum, nameof(Momentum));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(Mu, nameof(Momentum));
            OptimizerChecks.Positive(Mu, nameof(Momentum));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
        }
    }

    /// <summary>SGD-SaI's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 2)
    {
        /// <summary>The momentum buffer.</summary>
        public Tensor MomentumBuffer => RequireSlot(0);
        /// <summary>The g-SNR scale (a scalar tensor), fixed at the first step.</summary>
        public Tensor Gsnr => RequireSlot(1);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            SetSlot(1, ZeroScalar());
        }
    }

    /// <summary>A group of parameters with its own SGD-SaI options.</summary>
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
