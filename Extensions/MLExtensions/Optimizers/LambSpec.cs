using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="Lamb"/> (You et al. 2019): Adam steps rescaled per tensor by a trust ratio.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-6; greater than 0.</param>
/// <param name="WeightDecay">Weight decay added to the Adam step. Default 0; at least 0.</param>
/// <param name="AdamMode">Force the trust ratio to 1. Default false.</param>
public sealed record LambSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-6, double WeightDecay = 0, bool AdamMode = false) : OptimizerSpec
{
    private Lamb.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay, AdamMode = AdamMode };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Lamb(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, AdamMode);
    }
}
