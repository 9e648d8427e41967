using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al. 2023, arXiv 2302.06675), as in google/automl <c>lion/lion_pytorch.py</c>:
/// <c>p *= 1 - lr·wd; p -= lr·sign(β1·m + (1-β1)·g); m = β2·m + (1-β2)·g</c>.
/// </summary>
public sealed class Lion : OptimizerBase<Lion.Options, Lion.State>, torch.optim.IBetas
{
    /// <summary>Creates Lion over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-4; greater than 0.</param>
    /// <param name="beta1">Interpolation factor of the update direction. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Momentum decay. Default 0.99; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    public Lion(IEnumerable<Parameter> parameters, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, weightDecay)
    {
    }

    /// <summary>Creates Lion over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-4; greater than 0.</param>
    /// <param name="beta1">Interpolation factor of the update direction. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Momentum decay. Default 0.99; in [0, 1).</param>
    /// <param name="weightDecay">Decoupled weight decay. Default 0; at least 0.</param>
    public Lion(IEnumerable<ParamGroup> groups, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
        : base(groups, new Options { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, WeightDecay = weightDecay })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, beta1 = o.B1, beta2 = o.B2, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            state.Step++;
            var m = state.ExpAvg;
            if (wd != 0)
                p.mul_(sc[1 - lr * wd]);
            var update = m.mul(sc[beta1]).add_(grad, alpha: sc[1 - beta1]).sign_();
            p.add_(update, alpha: sc[-lr]);
            m.mul_(sc[beta2]).add_(grad, alpha: sc[1 - beta2]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>Lion's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>Interpolation factor of the update direction; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Momentum decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Decoupled weight decay; at least 0.</summary>
        public double? WeightDecay { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.UnitInterval(B1, nameof(Beta1));
            OptimizerChecks.UnitInterval(B2, nameof(Beta2));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
        }
    }

    /// <summary>Lion's state for one parameter: the momentum.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The momentum <c>m</c>.</summary>
        public Tensor ExpAvg => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options) => SetSlot(0, ZerosLikeParameter());
    }

    /// <summary>A group of parameters with its own Lion options.</summary>
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
