using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="SgdP"/> (Heo et al. 2021): SGD with the radial update of scale-invariant weights projected out.</summary>
/// <param name="LearningRate">Step size. Default 0.1; greater than 0.</param>
/// <param name="Momentum">Momentum factor. Default 0.9 (the reference's constructor default is 0); in [0, 1).</param>
/// <param name="Dampening">Momentum dampening. Default 0; in [0, 1).</param>
/// <param name="WeightDecay">Decoupled weight decay (divided by 1 - momentum). Default 0; at least 0.</param>
/// <param name="Nesterov">Nesterov momentum. Default false.</param>
/// <param name="Epsilon">Norm guard. Default 1e-8; greater than 0.</param>
/// <param name="Delta">Cosine threshold for the projection. Default 0.1; greater than 0.</param>
/// <param name="WdRatio">Weight-decay multiplier for projected weights. Default 0.1; in [0, 1].</param>
public sealed record SgdPSpec(double LearningRate = 0.1, double Momentum = 0.9, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false, double Epsilon = 1e-8, double Delta = 0.1, double WdRatio = 0.1) : OptimizerSpec
{
    private SgdP.Options ToOptions() => new() { LearningRate = LearningRate, Momentum = Momentum, Dampening = Dampening, WeightDecay = WeightDecay, Nesterov = Nesterov, Epsilon = Epsilon, Delta = Delta, WdRatio = WdRatio };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new SgdP(parameters, LearningRate, Momentum, Dampening, WeightDecay, Nesterov, Epsilon, Delta, WdRatio);
    }
}
