using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// Adam (Kingma and Ba 2014) with L2 weight decay added to the gradient and optional AMSGrad, step for step as PyTorch's
/// <c>torch.optim.Adam</c>. Use it instead of TorchSharp's <c>torch.optim.Adam</c>, whose step passes temporary scalars to
/// LibTorch that a concurrent garbage collection can free mid-call (see the Optimizers README).
/// </summary>
public sealed class Adam : OptimizerBase<Adam.Options, Adam.State>, torch.optim.IBetas
{
    /// <summary>Creates Adam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="amsgrad">Use the running maximum of the second moment. Default false.</param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false)
        : this([new ParamGroup(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad)
    {
    }

    /// <summary>Creates Adam over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 1e-3; greater than 0.</param>
    /// <param name="beta1">First-moment decay. Default 0.9; in [0, 1).</param>
    /// <param name="beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
    /// <param name="eps">Denominator term. Default 1e-8; greater than 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="amsgrad">Use the running maximum of the second moment. Default false.</param>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false)
        : base(groups, new Options { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, WeightDecay = weightDecay, AmsGrad = amsgrad })
    {
    }

    private readonly StepBuffers _buffers = new();

    /// <summary>Whether CPU tensors are updated in one managed pass (default) or by LibTorch's operations (the same values to
    /// float rounding; for the step benchmark and tests).</summary>
    internal bool FusedCpuStep { get; set; } = true;

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, wd = o.Wd;
        using var sc = new StepScalars();
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            long t = ++state.Step;
            var maxV = o.Ams ? state.MaxExpAvgSq ?? state.StartMaximum() : null;
            AdamUpdate.Apply(p, grad, state.ExpAvg, state.ExpAvgSq, maxV, t, lr, o.B1, o.B2, o.Eps, wd, 1, sc, _buffers, FusedCpuStep);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _buffers.Dispose();
    }

    /// <summary>Adam's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase, IBetaOptions
    {
        /// <summary>First-moment decay; in [0, 1).</summary>
        public double? Beta1 { get; set; }
        /// <summary>Second-moment decay; in [0, 1).</summary>
        public double? Beta2 { get; set; }
        /// <summary>Denominator term; greater than 0.</summary>
        public double? Epsilon { get; set; }
        /// <summary>L2 penalty added to the gradient; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Use the running maximum of the second moment (AMSGrad).</summary>
        public bool? AmsGrad { get; set; }

        internal double B1 => Required(Beta1, nameof(Beta1));
        internal double B2 => Required(Beta2, nameof(Beta2));
        internal double Eps => Required(Epsilon, nameof(Epsilon));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal bool Ams => Required(AmsGrad, nameof(AmsGrad));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.AdamFamily(Required(LearningRate, nameof(LearningRate)), B1, B2, Eps, Wd);
            _ = Ams;
        }
    }

    /// <summary>Adam's state for one parameter.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 3)
    {
        /// <summary>First moment <c>m</c>.</summary>
        public Tensor ExpAvg => RequireSlot(0);
        /// <summary>Second moment <c>v</c>.</summary>
        public Tensor ExpAvgSq => RequireSlot(1);
        /// <summary>Running maximum of the second moment (AMSGrad only).</summary>
        public Tensor? MaxExpAvgSq => GetSlot(2);

        /// <summary>Creates the (zero) AMSGrad maximum and returns it.</summary>
        internal Tensor StartMaximum()
        {
            SetSlot(2, ZerosLikeParameter());
            return MaxExpAvgSq!;
        }

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            SetSlot(0, ZerosLikeParameter());
            SetSlot(1, ZerosLikeParameter());
            if (((Options)options).Ams)
                SetSlot(2, ZerosLikeParameter());
        }
    }

    /// <summary>A group of parameters with its own Adam options.</summary>
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
