using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdamP"/> (Heo et al. 2021): Adam with the radial update of scale-invariant weights projected out.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">Decoupled weight decay. Default 0; at least 0.</param>
/// <param name="Delta">Cosine threshold for the projection. Default 0.1; greater than 0.</param>
/// <param name="WdRatio">Weight-decay multiplier for projected weights. Default 0.1; in [0, 1].</param>
/// <param name="Nesterov">Nesterov momentum. Default false.</param>
public sealed record AdamPSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0, double Delta = 0.1, double WdRatio = 0.1, bool Nesterov = false) : OptimizerSpec
{
    private AdamP.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay, Delta = Delta, WdRatio = WdRatio, Nesterov = Nesterov };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdamP(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Delta, WdRatio, Nesterov);
    }
}
