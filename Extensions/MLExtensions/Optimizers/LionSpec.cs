using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="Lion"/> (Chen et al. 2023, sign-of-momentum updates).</summary>
/// <param name="LearningRate">Step size. Default 1e-4 (3-10x smaller than AdamW's); greater than 0.</param>
/// <param name="Beta1">Interpolation factor of the update direction. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Momentum decay. Default 0.99; in [0, 1).</param>
/// <param name="WeightDecay">Decoupled weight decay (p *= 1 - lr·wd). Default 0; at least 0.</param>
public sealed record LionSpec(double LearningRate = 1e-4, double Beta1 = 0.9, double Beta2 = 0.99, double WeightDecay = 0) : OptimizerSpec
{
    private Lion.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, WeightDecay = WeightDecay };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Lion(parameters, LearningRate, Beta1, Beta2, WeightDecay);
    }
}
