using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Spec of <see cref="Adan"/> (Xie et al. 2022): adaptive Nesterov momentum.</summary>
/// <param name="LearningRate">Step size. Default 1e-3; greater than 0.</param>
/// <param name="Beta1">Decay of the gradient average (1 minus the paper's β1). Default 0.98; in [0, 1).</param>
/// <param name="Beta2">Decay of the gradient-difference average. Default 0.92; in [0, 1).</param>
/// <param name="Beta3">Decay of the second moment. Default 0.99; in [0, 1).</param>
/// <param name="Epsilon">Denominator term. Default 1e-8; greater than 0.</param>
/// <param name="WeightDecay">Weight decay. Default 0; at least 0.</param>
/// <param name="MaxGradNorm">Global gradient-norm clip; 0 disables it. Default 0; at least 0.</param>
/// <param name="NoProx">Decoupled decay instead of the proximal form. Default false.</param>
public sealed record AdanSpec(double LearningRate = 1e-3, double Beta1 = 0.98, double Beta2 = 0.92, double Beta3 = 0.99, double Epsilon = 1e-8, double WeightDecay = 0, double MaxGradNorm = 0, bool NoProx = false) : OptimizerSpec
{
    private Adan.Options ToOptions() => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Beta3 = Beta3, Epsilon = Epsilon, WeightDecay = WeightDecay, MaxGradNorm = MaxGradNorm, NoProx = NoProx };

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return new Adan(parameters, LearningRate, Beta1, Beta2, Beta3, Epsilon, WeightDecay, MaxGradNorm, NoProx);
    }
}
