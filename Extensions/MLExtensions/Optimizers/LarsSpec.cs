using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="Lars"/> (You et al. 2017): momentum SGD with a layer-wise trust ratio.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Momentum">Momentum factor. Default 0.9; in [0, 1).</param>
/// <param name="Dampening">Momentum dampening. Default 0; in [0, 1).</param>
/// <param name="WeightDecay">Weight decay (tensors with ndim &gt; 1). Default 0; at least 0.</param>
/// <param name="TrustCoefficient">Trust coefficient. Default 1e-3; greater than 0.</param>
/// <param name="Nesterov">Nesterov momentum. Default false.</param>
public sealed record LarsSpec(double LearningRate = 1e-3, double Momentum = 0.9, double Dampening = 0, double WeightDecay = 0, double TrustCoefficient = 1e-3, bool Nesterov = false) : OptimizerSpec
{
    private Lars.Options ToOptions() => new() { LearningRate = LearningRate, Momentum = Momentum, Dampening = Dampening, WeightDecay = WeightDecay, TrustCoefficient = TrustCoefficient, Nesterov = Nesterov };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Lars(parameters, LearningRate, Momentum, Dampening, WeightDecay, TrustCoefficient, Nesterov);
    }
}
