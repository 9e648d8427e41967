using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdaGradNorm"/> (Ward et al. 2019: one model-wide scalar accumulator of squared gradient norms; AdAdaGrad's update rule).</summary>
/// <param name="LearningRate">Step size η. Default 1 (the paper's and the AdAdaGrad code's); greater than 0.</param>
/// <param name="LrDecay">Per-step decay: the rate at step t is LearningRate / (1 + (t-1)·LrDecay). Default 0; at least 0.</param>
/// <param name="WeightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
/// <param name="InitialAccumulatorValue">b₀², the accumulator's starting value. Default 0.01 (the AdAdaGrad code's); at least 0.</param>
/// <param name="Epsilon">Added to √b². Default 1e-10; greater than 0.</param>
public sealed record AdaGradNormSpec(double LearningRate = 1.0, double LrDecay = 0, double WeightDecay = 0, double InitialAccumulatorValue = 0.01,
                                     double Epsilon = 1e-10) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() => new AdaGradNorm.Options
    {
        LearningRate = LearningRate, LrDecay = LrDecay, WeightDecay = WeightDecay, InitialAccumulatorValue = InitialAccumulatorValue, Epsilon = Epsilon,
    }.Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdaGradNorm(parameters, LearningRate, LrDecay, WeightDecay, InitialAccumulatorValue, Epsilon);
    }
}
