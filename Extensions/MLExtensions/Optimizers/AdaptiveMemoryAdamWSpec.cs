using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdaptiveMemoryAdamW"/> (AM-AdamW: AdamW whose first-moment coefficient adapts per tensor and step).</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Lambda">Proximal weight λ. Default 0.1; at least 0.</param>
/// <param name="BetaMax">Largest first-moment coefficient. Default 0.89; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">Decoupled weight decay. Default 0.01; at least 0.</param>
public sealed record AdaptiveMemoryAdamWSpec(double LearningRate = 1e-3, double Lambda = 0.1, double BetaMax = 0.89, double Beta2 = 0.999,
                                             double Epsilon = 1e-8, double WeightDecay = 0.01) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() =>
        new AdaptiveMemoryAdamW.Options
        {
            LearningRate = LearningRate, Lambda = Lambda, BetaMax = BetaMax, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay,
        }.Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdaptiveMemoryAdamW(parameters, LearningRate, Lambda, BetaMax, Beta2, Epsilon, WeightDecay);
    }
}
