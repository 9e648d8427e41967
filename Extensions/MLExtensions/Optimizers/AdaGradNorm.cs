using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AdaGrad-Norm (Ward, Wu and Bottou 2019, arXiv 1806.01811; the update rule of AdAdaGrad, Lau et al. 2024, arXiv 2402.11215):
/// one scalar accumulator per parameter group instead of one per coordinate. Each step, with every gradient of the group
/// (<c>g += wd·p</c> first, L2): <c>b² += Σ_p ‖g_p‖²</c> (b² starts at the initial accumulator value),
/// <c>clr = lr / (1 + (t-1)·lr_decay)</c>, then <c>p -= clr · g_p / (√b² + eps)</c> for every parameter of the group.
/// </summary>
/// <remarks>
/// With one group (what <see cref="AdaGradNormSpec"/> creates) the accumulator is model-wide, as in the paper. The authors'
/// <c>adagradnorm.py</c> differs on purpose: it keeps one accumulator per row of each matrix and adds <c>grad</c> instead of
/// <c>param</c> for weight decay (ALGORITHMS.md D3); neither is reproduced here. Every parameter's state holds the group's
/// accumulator (the same value), so saving and loading state works per parameter; parameters without a gradient in a step are
/// not moved, but the accumulator still counts the others' gradients.
/// </remarks>
public sealed class AdaGradNorm : OptimizerBase<AdaGradNorm.Options, AdaGradNorm.State>
{
    /// <summary>Creates AdaGrad-Norm over one group of parameters (one accumulator for all of them).</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate η. Default 1; greater than 0.</param>
    /// <param name="lrDecay">Learning-rate decay per step: the rate at step t is lr / (1 + (t-1)·lrDecay). Default 0; at least 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="initialAccumulatorValue">b₀², the starting value of the accumulator. Default 0.01; at least 0.</param>
    /// <param name="eps">Added to √b². Default 1e-10; greater than 0.</param>
    public AdaGradNorm(IEnumerable<Parameter> parameters, double lr = 1.0, double lrDecay = 0, double weightDecay = 0,
                       double initialAccumulatorValue = 0.01, double eps = 1e-10)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps)
    {
    }

    /// <summary>Creates AdaGrad-Norm over parameter groups (one accumulator per group); options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate η. Default 1; greater than 0.</param>
    /// <param name="lrDecay">Learning-rate decay per step. Default 0; at least 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="initialAccumulatorValue">b₀², the starting value of the accumulator. Default 0.01; at least 0.</param>
    /// <param name="eps">Added to √b². Default 1e-10; greater than 0.</param>
    public AdaGradNorm(IEnumerable<ParamGroup> groups, double lr = 1.0, double lrDecay = 0, double weightDecay = 0,
                       double initialAccumulatorValue = 0.01, double eps = 1e-10)
        : base(groups, new Options
        {
            LearningRate = lr, LrDecay = lrDecay, WeightDecay = weightDecay, InitialAccumulatorValue = initialAccumulatorValue, Epsilon = eps,
        })
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, wd = o.Wd;
        using var sc = new StepScalars();
        var grads = new List<(Parameter P, Tensor G)>();
        foreach (var p in group.Parameters)
            if (p.grad is { } grad)
                grads.Add((p, wd != 0 ? grad.add(p, alpha: sc[wd]) : grad));
        if (grads.Count == 0)
            return;
        var squaredNorm = grads.Select(x => x.G.mul(x.G).sum()).Aggregate((a, b) => a.add(b, alpha: sc.One));
        // Every parameter of the group carries the same accumulator and step count.
        foreach (var p in group.Parameters)
        {
            var state = GetState(p);
            state.Step++;
            state.Sum.add_(squaredNorm.to(state.Sum.dtype), alpha: sc.One);
        }
        foreach (var (p, g) in grads)
        {
            var state = GetState(p);
            double clr = lr / (1 + (state.Step - 1) * o.Decay);
            var denom = state.Sum.sqrt().add_(sc[o.Eps], sc.One);
            p.addcdiv_(g, denom, sc[-clr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>AdaGrad-Norm's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Learning-rate decay per step; at least 0.</summary>
        public double? LrDecay { get; set; }
        /// <summary>L2 penalty added to the gradient; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>b₀², the accumulator's starting value; at least 0 (used when the state is created).</summary>
        public double? InitialAccumulatorValue { get; set; }
        /// <summary>Added to √b²; greater than 0.</summary>
        public double? Epsilon { get; set; }

        internal double Decay => Required(LrDecay, nameof(LrDecay));
        internal double Wd => Required(WeightDecay, nameof(WeightDecay));
        internal double Initial => Required(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        internal double Eps => Required(Epsilon, nameof(Epsilon));

        /// <inheritdoc />
        public override void Validate()
        {
            OptimizerChecks.Positive(Required(LearningRate, nameof(LearningRate)), nameof(LearningRate));
            OptimizerChecks.NonNegative(Decay, nameof(LrDecay));
            OptimizerChecks.NonNegative(Wd, nameof(WeightDecay));
            OptimizerChecks.NonNegative(Initial, nameof(InitialAccumulatorValue));
            OptimizerChecks.Positive(Eps, nameof(Epsilon));
        }
    }

    /// <summary>AdaGrad-Norm's state for one parameter: the group's scalar accumulator b².</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The group's accumulator b² (a 0-dim tensor; equal in every parameter of the group).</summary>
        public Tensor Sum => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            var sum = ZeroScalar();
            double initial = ((Options)options).Initial;
            if (initial != 0)
            {
                using var sc = new StepScalars();
                sum.fill_(sc[initial]);
            }
            SetSlot(0, sum);
        }
    }

    /// <summary>A group of parameters sharing one AdaGrad-Norm accumulator and options.</summary>
    public sealed class ParamGroup : ParamGroup<Options>
    {
        /// <summary>Creates an empty group.</summary>
        public ParamGroup() { }

        /// <summary>Creates a group; options left <see langword="null"/> inherit the optimizer's defaults.</summary>
        /// <param name="parameters">The group's parameters.</param>
        /// <param name="options">The group's options, or <see langword="null"/> for the defaults.</param>
        public ParamGroup(IEnumerable<Parameter> parameters, Options? options = null) : base(parameters, options!) { }
    }
}
