using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Spec of <see cref="Aro"/> (adaptively rotated optimization) for the matrices (ndim ≥ 2), with AdamW for biases and other
/// vectors (<see cref="Aro.WithAdamW"/>).
/// </summary>
/// <param name="LearningRate">ARO step size (before the RMS or spectral scaling). Default 0.01; greater than 0.</param>
/// <param name="Momentum">ARO momentum (EMA) factor. Default 0.95; in [0, 1).</param>
/// <param name="WeightDecay">ARO decoupled weight decay. Default 0.01; at least 0.</param>
/// <param name="Epsilon">Norm guard of the rotation function. Default 1e-8; greater than 0.</param>
/// <param name="Rotation">The map f. Default <see cref="AroRotationFunction.Sinkhorn"/>.</param>
/// <param name="Scaling">Learning-rate scaling. Default <see cref="AroLearningRateScaling.RmsNorm"/>.</param>
/// <param name="SinkhornIterations">Sinkhorn iterations. Default 5; at least 1.</param>
/// <param name="AdamLearningRate">AdamW group step size. Default 1e-3; greater than 0.</param>
/// <param name="AdamBeta1">AdamW group first-moment decay. Default 0.9; in [0, 1).</param>
/// <param name="AdamBeta2">AdamW group second-moment decay. Default 0.95; in [0, 1).</param>
/// <param name="AdamEpsilon">AdamW group denominator term. Default 1e-8; greater than 0.</param>
/// <param name="AdamWeightDecay">AdamW group decoupled weight decay. Default 0.01; at least 0.</param>
public sealed record AroSpec(double LearningRate = 0.01, double Momentum = 0.95, double WeightDecay = 0.01, double Epsilon = 1e-8,
                             AroRotationFunction Rotation = AroRotationFunction.Sinkhorn,
                             AroLearningRateScaling Scaling = AroLearningRateScaling.RmsNorm, int SinkhornIterations = 5,
                             double AdamLearningRate = 1e-3, double AdamBeta1 = 0.9, double AdamBeta2 = 0.95, double AdamEpsilon = 1e-8,
                             double AdamWeightDecay = 0.01) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate()
    {
        OptimizerChecks.Positive(LearningRate, nameof(LearningRate));
        OptimizerChecks.UnitInterval(AdamBeta1, nameof(AdamBeta1));
        OptimizerChecks.UnitInterval(AdamBeta2, nameof(AdamBeta2));
        new Aro.Options
        {
            LearningRate = LearningRate, UseAro = true, Momentum = Momentum, WeightDecay = WeightDecay, Epsilon = Epsilon, Rotation = Rotation,
            Scaling = Scaling, SinkhornIterations = SinkhornIterations, Beta1 = AdamBeta1, Beta2 = AdamBeta2,
        }.Validate();
        OptimizerChecks.Positive(AdamLearningRate, nameof(AdamLearningRate));
        OptimizerChecks.Positive(AdamEpsilon, nameof(AdamEpsilon));
        OptimizerChecks.NonNegative(AdamWeightDecay, nameof(AdamWeightDecay));
    }

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return Aro.WithAdamW(parameters, LearningRate, Momentum, WeightDecay, AdamLearningRate, AdamBeta1, AdamBeta2, AdamEpsilon, AdamWeightDecay,
                             Rotation, Scaling, SinkhornIterations, Epsilon);
    }
}
