using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="AdaBelief"/> (Zhuang et al. 2020): Adam with the second moment of the gradient's deviation from its EMA. Defaults are adabelief-pytorch 0.2.1's.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">First-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="Beta2">Belief decay. Default 0.999; in [0, 1).</param>
/// <param name="Epsilon">Added to the belief and the denominator. Default 1e-16; greater than 0.</param>
/// <param name="WeightDecay">Weight decay. Default 0; at least 0.</param>
/// <param name="WeightDecouple">Decoupled (AdamW-style) decay instead of L2. Default true.</param>
/// <param name="FixedDecay">Decoupled decay not scaled by the learning rate. Default false.</param>
/// <param name="Rectify">RAdam-style rectification. Default true.</param>
/// <param name="DegeneratedToSgd">SGD-with-momentum steps while the rectified variance is untractable. Default true.</param>
/// <param name="AmsGrad">Use the running maximum of the belief. Default false.</param>
public sealed record AdaBeliefSpec(double LearningRate = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-16, double WeightDecay = 0, bool WeightDecouple = true, bool FixedDecay = false, bool Rectify = true, bool DegeneratedToSgd = true, bool AmsGrad = false) : OptimizerSpec
{
    private AdaBelief.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, WeightDecay = WeightDecay, WeightDecouple = WeightDecouple, FixedDecay = FixedDecay, Rectify = Rectify, DegeneratedToSgd = DegeneratedToSgd, AmsGrad = AmsGrad };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new AdaBelief(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, WeightDecouple, FixedDecay, Rectify, DegeneratedToSgd, AmsGrad);
    }
}
