using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// AdaGrad (Duchi, Hazan and Singer 2011) with <c>torch.optim.Adagrad</c>'s semantics: per coordinate,
/// <c>g += wd·p</c> (L2), <c>clr = lr / (1 + (t-1)·lr_decay)</c>, <c>s += g²</c> (s starts at the initial accumulator value),
/// <c>p -= clr · g / (√s + eps)</c>.
/// </summary>
public sealed class AdaGrad : OptimizerBase<AdaGrad.Options, AdaGrad.State>
{
    /// <summary>Creates AdaGrad over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="lrDecay">Learning-rate decay per step: the rate at step t is lr / (1 + (t-1)·lrDecay). Default 0; at least 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squared gradients. Default 0; at least 0.</param>
    /// <param name="eps">Added to the square root of the sum. Default 1e-10; greater than 0.</param>
    public AdaGrad(IEnumerable<Parameter> parameters, double lr = 0.01, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps)
    {
    }

    /// <summary>Creates AdaGrad over parameter groups; options a group leaves unset take these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate. Default 0.01; greater than 0.</param>
    /// <param name="lrDecay">Learning-rate decay per step. Default 0; at least 0.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squared gradients. Default 0; at least 0.</param>
    /// <param name="eps">Added to the square root of the sum. Default 1e-10; greater than 0.</param>
    public AdaGrad(IEnumerable<ParamGroup> groups, double lr = 0.01, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10)
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
        foreach (var p in group.Parameters)
        {
            if (p.grad is not { } grad)
                continue;
            var state = GetState(p);
            long t = ++state.Step;
            if (wd != 0)
                grad = grad.add(p, alpha: sc[wd]);
            double clr = lr / (1 + (t - 1) * o.Decay);
            var sum = state.Sum;
            sum.addcmul_(grad, grad, sc.One);
            var denom = sum.sqrt().add_(sc[o.Eps], sc.One);
            p.addcdiv_(grad, denom, sc[-clr]);
        }
    }, closure);

    /// <inheritdoc />
    protected override State CreateState(Parameter parameter) => new(parameter);

    /// <summary>AdaGrad's hyperparameters for one group.</summary>
    public sealed class Options : OptimizerOptionsBase
    {
        /// <summary>Learning-rate decay per step; at least 0.</summary>
        public double? LrDecay { get; set; }
        /// <summary>L2 penalty added to the gradient; at least 0.</summary>
        public double? WeightDecay { get; set; }
        /// <summary>Starting value of the sum of squared gradients; at least 0 (used when the state is created).</summary>
        public double? InitialAccumulatorValue { get; set; }
        /// <summary>Added to the square root of the sum; greater than 0.</summary>
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

    /// <summary>AdaGrad's state for one parameter: the sum of squared gradients.</summary>
    public sealed class State(Parameter parameter) : OptimizerStateBase(parameter, 1)
    {
        /// <summary>The running sum of squared gradients, per coordinate.</summary>
        public Tensor Sum => RequireSlot(0);

        /// <inheritdoc />
        protected override void InitializeSlots(OptimizerOptions options)
        {
            var sum = ZerosLikeParameter();
            double initial = ((Options)options).Initial;
            if (initial != 0)
            {
                using var sc = new StepScalars();
                sum.fill_(sc[initial]);
            }
            SetSlot(0, sum);
        }
    }

    /// <summary>A group of parameters with its own AdaGrad options.</summary>
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
