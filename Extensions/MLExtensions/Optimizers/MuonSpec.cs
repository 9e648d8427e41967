using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>
/// Spec of <see cref="Muon"/> (Jordan et al. 2024): orthogonalized momentum for the matrices (ndim ≥ 2) and the reference's
/// auxiliary Adam for biases and other vectors (<see cref="Muon.WithAuxAdam"/>).
/// </summary>
/// <param name="LearningRate">Muon step size (spectral-norm scale). Default 0.02; greater than 0.</param>
/// <param name="Momentum">Muon momentum. Default 0.95; in [0, 1).</param>
/// <param name="WeightDecay">Muon decoupled weight decay. Default 0; at least 0.</param>
/// <param name="Nesterov">Muon Nesterov momentum. Default true.</param>
/// <param name="NsSteps">Newton–Schulz iterations. Default 5; at least 1.</param>
/// <param name="Precision">Newton–Schulz precision. Default <see cref="NewtonSchulzPrecision.ParameterDtype"/> (the reference uses bfloat16).</param>
/// <param name="AdamLearningRate">Step size of the Adam group. Default 3e-4; greater than 0.</param>
/// <param name="AdamBeta1">First-moment decay of the Adam group. Default 0.9; in [0, 1).</param>
/// <param name="AdamBeta2">Second-moment decay of the Adam group. Default 0.95; in [0, 1).</param>
/// <param name="AdamEpsilon">Denominator term of the Adam group. Default 1e-10; greater than 0.</param>
/// <param name="AdamWeightDecay">Decoupled weight decay of the Adam group. Default 0; at least 0.</param>
public sealed record MuonSpec(double LearningRate = 0.02, double Momentum = 0.95, double WeightDecay = 0, bool Nesterov = true, int NsSteps = 5,
                              NewtonSchulzPrecision Precision = NewtonSchulzPrecision.ParameterDtype, double AdamLearningRate = 3e-4,
                              double AdamBeta1 = 0.9, double AdamBeta2 = 0.95, double AdamEpsilon = 1e-10, double AdamWeightDecay = 0) : OptimizerSpec
{
    /// <inheritdoc />
    public override void Validate()
    {
        OptimizerChecks.Positive(LearningRate, nameof(LearningRate));
        OptimizerChecks.UnitInterval(AdamBeta1, nameof(AdamBeta1));
        OptimizerChecks.UnitInterval(AdamBeta2, nameof(AdamBeta2));
        OptimizerChecks.Positive(AdamEpsilon, nameof(AdamEpsilon));
        new Muon.Options
        {
            LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay, Nesterov = Nesterov, NsSteps = NsSteps,
            Precision = Precision, UseMuon = true, Beta1 = AdamBeta1, Beta2 = AdamBeta2, Epsilon = AdamEpsilon,
        }.Validate();
        OptimizerChecks.Positive(AdamLearningRate, nameof(AdamLearningRate));
        OptimizerChecks.NonNegative(AdamWeightDecay, nameof(AdamWeightDecay));
    }

    /// <inheritdoc />
    public override OptimizerHelper Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return Muon.WithAuxAdam(parameters, LearningRate, Momentum, WeightDecay, AdamLearningRate, AdamBeta1, AdamBeta2, AdamEpsilon,
                                AdamWeightDecay, Precision, Nesterov, NsSteps);
    }
}
