using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdaptiveMemorySgd"/> (AM-SGD: heavy-ball SGD whose momentum coefficient adapts every step).</summary>
/// <param name="LearningRate">Step size. Default 0.01; greater than 0.</param>
/// <param name="Lambda">Proximal weight λ. Default 0.1; at least 0.</param>
/// <param name="BetaMax">Largest momentum coefficient. Default 0.9; in [0, 1).</param>
/// <param name="WeightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
public sealed record AdaptiveMemorySgdSpec(double LearningRate = 0.01, double Lambda = 0.1, double BetaMax = 0.9, double WeightDecay = 0) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() =>
        new AdaptiveMemorySgd.Options { LearningRate = LearningRate, Lambda = Lambda, BetaMax = BetaMax, WeightDecay = WeightDecay }.Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdaptiveMemorySgd(parameters, LearningRate, Lambda, BetaMax, WeightDecay);
    }
}
