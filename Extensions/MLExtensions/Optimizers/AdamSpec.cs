using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Adam with L2 weight decay added to the gradient (this library's <see cref="MLExtensions.Adam"/>).</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Second-moment decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">L2 penalty. Default 0; at least 0.</param>
/// <param name="AmsGrad">Use the running maximum of the second moment. Default false.</param>
public sealed record AdamSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
                              double WeightDecay = 0, bool AmsGrad = false) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate() => OptimizerChecks.AdamFamily(LearningRate, Beta1, Beta2, Epsilon, WeightDecay);

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, AmsGrad);
    }
}
