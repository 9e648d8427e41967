using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>
/// The default search space of the gradient-boosted neural networks (GBNN; Emami and Martínez-Muñoz, 2023): each range is
/// centred on the trainer's documented default (<see cref="GradientBoostedNeuralNetworkOptionsBase.Defaults"/>) and wide
/// enough to hold the reference implementation's setting, as <c>AutoMLIntegration/README.md</c> explains. The validation
/// split (0.1), early-stopping patience (20 steps) and Newton step bound (2) keep the trainer's defaults.
/// </summary>
public sealed class GbnnOption
{
    /// <summary>Hidden units of the final network (the boosting steps are this / <see cref="UnitsPerStep"/>): [16, 4096], log, default 800.</summary>
    [Range(16, 4096, 800, true)]
    public int TotalHiddenUnits { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.TotalHiddenUnits;

    /// <summary>Hidden units per boosting step: [1, 16], log, default 2 (the reference implementation's 1 is inside).</summary>
    [Range(1, 16, 2, true)]
    public int UnitsPerStep { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.UnitsPerStep;

    /// <summary>Shrinkage of every step: [0.01, 1], log, default 0.1 (the reference implementation's 1 is the top).</summary>
    [Range(0.01, 1.0, 0.1, true)]
    public double LearningRate { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.LearningRate;

    /// <summary>Share of rows each step trains on: [0.2, 1], default 0.5 (stochastic gradient boosting's usual range).</summary>
    [Range(0.2, 1.0, 0.5, false)]
    public double Subsample { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.Subsample;

    /// <summary>L2 penalty of each step's network: [1e-6, 1], log, default 1e-4 (scikit-learn's MLP alpha default).</summary>
    [Range(1e-6, 1.0, 1e-4, true)]
    public double L2Regularization { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.L2Regularization;

    /// <summary>L-BFGS iterations per step: [20, 500], log, default 200.</summary>
    [Range(20, 500, 200, true)]
    public int MaxIterations { get; set; } = GradientBoostedNeuralNetworkOptionsBase.Defaults.MaxIterations;

    /// <summary>Hidden activation: Sigmoid (default, the paper's logistic units), Tanh or ReLU.</summary>
    [Choice(new object[] { ActivationKind.Sigmoid, ActivationKind.Tanh, ActivationKind.ReLU }, ActivationKind.Sigmoid)]
    public ActivationKind Activation { get; set; } = ActivationKind.Sigmoid;
}
