using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdaGrad"/> (Duchi et al. 2011, per-coordinate rates from the sum of squared gradients; torch.optim.Adagrad's semantics).</summary>
/// <param name="LearningRate">Step size. Default 0.01 (PyTorch's); greater than 0.</param>
/// <param name="LrDecay">Per-step decay: the rate at step t is LearningRate / (1 + (t-1)·LrDecay). Default 0; at least 0.</param>
/// <param name="WeightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
/// <param name="InitialAccumulatorValue">Starting value of the sum of squared gradients. Default 0; at least 0.</param>
/// <param name="Epsilon">Added to the square root of the sum. Default 1e-10; greater than 0.</param>
public sealed record AdaGradSpec(double LearningRate = 0.01, double LrDecay = 0, double WeightDecay = 0, double InitialAccumulatorValue = 0,
                                 double Epsilon = 1e-10) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() => new AdaGrad.Options
    {
        LearningRate = LearningRate, LrDecay = LrDecay, WeightDecay = WeightDecay, InitialAccumulatorValue = InitialAccumulatorValue, Epsilon = Epsilon,
    }.Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdaGrad(parameters, LearningRate, LrDecay, WeightDecay, InitialAccumulatorValue, Epsilon);
    }
}
