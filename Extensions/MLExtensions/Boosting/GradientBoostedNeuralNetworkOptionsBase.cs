using MLExtensions.Networks;

namespace MLExtensions.Boosting;

/// <summary>
/// Settings shared by the GBNN trainers ("Sequential Training of Neural Networks with Gradient Boosting", Emami and
/// Martínez-Muñoz): a network with one hidden layer grown in T = ⌊<see cref="TotalHiddenUnits"/> / <see cref="UnitsPerStep"/>⌋
/// boosting steps of J = <see cref="UnitsPerStep"/> units. The defaults are the reference implementation's.
/// </summary>
public abstract class GradientBoostedNeuralNetworkOptionsBase
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Hidden units of the final network.</summary>
        public const int TotalHiddenUnits = 200;

        /// <summary>Hidden units added per step.</summary>
        public const int UnitsPerStep = 1;

        /// <summary>Shrinkage of every step.</summary>
        public const double LearningRate = 1.0;

        /// <summary>Share of rows each step trains on.</summary>
        public const double Subsample = 0.5;

        /// <summary>L-BFGS iterations per step.</summary>
        public const int MaxIterations = 200;

        /// <summary>L2 penalty of each step's network (scikit-learn's MLPRegressor alpha).</summary>
        public const double L2Regularization = 1e-4;
    }

    /// <summary>The feature column: a known-size vector of Single.</summary>
    /// <value>Default "Features".</value>
    public string FeatureColumnName { get; set; } = ColumnNames.Features;

    /// <summary>The label column: Single (regression), Boolean (binary) or a key (multiclass).</summary>
    /// <value>Default "Label".</value>
    public string LabelColumnName { get; set; } = ColumnNames.Label;

    /// <summary>Hidden units of the final network; rounded down to a multiple of <see cref="UnitsPerStep"/>.</summary>
    /// <value>Default 200. At least <see cref="UnitsPerStep"/>.</value>
    public int TotalHiddenUnits { get; set; } = Defaults.TotalHiddenUnits;

    /// <summary>Hidden units trained per boosting step (J).</summary>
    /// <value>Default 1. At least 1.</value>
    public int UnitsPerStep { get; set; } = Defaults.UnitsPerStep;

    /// <summary>Shrinkage η: each step adds η times its (Newton-scaled, for classification) output.</summary>
    /// <value>Default 1.0. Greater than 0.</value>
    public double LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>Share of the rows, drawn without replacement, that each step's network is trained on.</summary>
    /// <value>Default 0.5. In (0, 1].</value>
    public double Subsample { get; set; } = Defaults.Subsample;

    /// <summary>L-BFGS iterations for each step's network.</summary>
    /// <value>Default 200. At least 1.</value>
    public int MaxIterations { get; set; } = Defaults.MaxIterations;

    /// <summary>L2 penalty on each step's weights (not biases), scaled like scikit-learn's alpha: (alpha / 2n)·‖W‖².</summary>
    /// <value>Default 1e-4. At least 0.</value>
    public double L2Regularization { get; set; } = Defaults.L2Regularization;

    /// <summary>Hidden activation.</summary>
    /// <value>Default <see cref="ActivationKind.Sigmoid"/> (the paper's logistic units). Sigmoid, Tanh or ReLU.</value>
    public ActivationKind Activation { get; set; } = ActivationKind.Sigmoid;

    /// <summary>Seed of the weight initialization and the row subsamples; null draws one (reported on the model).</summary>
    /// <value>Default null.</value>
    public int? Seed { get; set; }

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming it.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(FeatureColumnName, nameof(FeatureColumnName));
        ArgumentException.ThrowIfNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnitsPerStep, 1, nameof(UnitsPerStep));
        if (TotalHiddenUnits < UnitsPerStep)
            throw new ArgumentOutOfRangeException(nameof(TotalHiddenUnits), TotalHiddenUnits, $"Must be at least UnitsPerStep ({UnitsPerStep}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Must be a finite number greater than 0.");
        if (!(Subsample > 0 && Subsample <= 1))
            throw new ArgumentOutOfRangeException(nameof(Subsample), Subsample, "Must be in (0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        if (!(L2Regularization >= 0) || double.IsInfinity(L2Regularization))
            throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "Must be a finite number of at least 0.");
        if (Activation is not (ActivationKind.Sigmoid or ActivationKind.Tanh or ActivationKind.ReLU))
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Allowed: Sigmoid, Tanh, ReLU.");
    }

    /// <summary>The options of the catalogs' simple overloads.</summary>
    internal static TOptions ForSimpleOverload<TOptions>(string labelColumnName, string featureColumnName, int totalHiddenUnits,
                                                         int unitsPerStep, double learningRate, double subsample, int? seed)
        where TOptions : GradientBoostedNeuralNetworkOptionsBase, new() => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        TotalHiddenUnits = totalHiddenUnits,
        UnitsPerStep = unitsPerStep,
        LearningRate = learningRate,
        Subsample = subsample,
        Seed = seed,
    };

    /// <summary>A shallow copy (every option is a value).</summary>
    private protected GradientBoostedNeuralNetworkOptionsBase CloneBase() => (GradientBoostedNeuralNetworkOptionsBase)MemberwiseClone();
}
