using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="DiffGrad"/> (Dubey et al. 2019): Adam with a friction coefficient from the change of the gradient.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">L2 penalty. Default 0; at least 0.</param>
public sealed record DiffGradSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0) : OptimizerSpec
{
    private DiffGrad.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new DiffGrad(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay);
    }
}
