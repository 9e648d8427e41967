using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="SgdSai"/> (Xu et al. 2024): momentum SGD with per-tensor learning rates from the g-SNR at initialization.</summary>
/// <param name="LearningRate">Step size. Default 1e-2; greater than 0.</param>
/// <param name="Momentum">Momentum (EMA) factor. Default 0.9; in (0, 1).</param>
/// <param name="Epsilon">Added to the std. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">Decoupled weight decay. Default 1e-2; at least 0.</param>
public sealed record SgdSaiSpec(double LearningRate = 1e-2, double Momentum = 0.9, double Epsilon = 1e-8, double WeightDecay = 1e-2) : OptimizerSpec
{
    private SgdSai.Options ToOptions() => new() { LearningRate = LearningRate, Momentum = Momentum, Epsilon = Epsilon, WeightDecay = WeightDecay };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new SgdSai(parameters, LearningRate, Momentum, Epsilon, WeightDecay);
    }
}
