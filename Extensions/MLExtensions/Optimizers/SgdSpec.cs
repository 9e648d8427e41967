using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay (this library's <see cref="Sgd"/>).</summary>
/// <param name="LearningRate">Step size. Default 0.01; greater than 0.</param>
/// <param name="Momentum">Momentum factor. Default 0.9; in [0, 1).</param>
/// <param name="Nesterov">Whether to use Nesterov momentum (needs <paramref name="Momentum"/> &gt; 0 and zero dampening). Default false.</param>
/// <param name="WeightDecay">L2 penalty added to the gradient. Default 0; at least 0.</param>
/// <param name="Dampening">Dampening for momentum. Default 0; in [0, 1).</param>
public sealed record SgdSpec(double LearningRate = 0.01, double Momentum = 0.9, bool Nesterov = false, double WeightDecay = 0,
                             double Dampening = 0) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate()
    {
        OptimizerChecks.Positive(LearningRate, nameof(LearningRate));
        OptimizerChecks.UnitInterval(Momentum, nameof(Momentum));
        OptimizerChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        OptimizerChecks.UnitInterval(Dampening, nameof(Dampening));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentOutOfRangeException(nameof(Nesterov), Nesterov, "Nesterov momentum requires Momentum > 0 and Dampening = 0.");
    }

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Sgd(parameters, LearningRate, Momentum, Dampening, WeightDecay, Nesterov);
    }
}
