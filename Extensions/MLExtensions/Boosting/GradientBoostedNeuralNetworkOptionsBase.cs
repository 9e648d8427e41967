using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// Settings shared by the GBNN trainers ("Sequential Training of Neural Networks with Gradient Boosting", Emami and
/// Martínez-Muñoz): a network with one hidden layer grown in T = ⌊<see cref="TotalHiddenUnits"/> / <see cref="UnitsPerStep"/>⌋
/// boosting steps of J = <see cref="UnitsPerStep"/> units. The defaults guard against overfitting (learning rate 0.1, Newton steps
/// capped at 2, early stopping on 10% held-out rows; up to 400 steps of 2 units); <c>Options.Reference()</c> of each trainer gives the reference implementation's
/// settings.
/// </summary>
public abstract class GradientBoostedNeuralNetworkOptionsBase : TrainerOptionsBase
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Hidden units of the final network when boosting never stops early (the reference implementation uses 200).</summary>
        public const int TotalHiddenUnits = 800;

        /// <summary>Hidden units added per step (the reference implementation uses 1).</summary>
        public const int UnitsPerStep = 2;

        /// <summary>Shrinkage of every step (the reference implementation uses 1).</summary>
        public const double LearningRate = 0.1;

        /// <summary>Largest magnitude of a classification step's Newton step length (the reference implementation has no bound).</summary>
        public const double MaxNewtonStep = 2;

        /// <summary>Share of the training rows held out for early stopping (the reference implementation holds out none).</summary>
        public const double ValidationFraction = 0.1;

        /// <summary>Steps without a lower validation loss before boosting stops (the reference implementation never stops early).</summary>
        public const int EarlyStoppingPatience = 20;

        /// <summary>Share of rows each step trains on.</summary>
        public const double Subsample = 0.5;

        /// <summary>L-BFGS iterations per step.</summary>
        public const int MaxIterations = 200;

        /// <summary>L2 penalty of each step's network (scikit-learn's MLPRegressor alpha).</summary>
        public const double L2Regularization = 1e-4;
    }

    /// <summary>
    /// Hidden units of the final network if boosting runs every step; rounded down to a multiple of <see cref="UnitsPerStep"/>. Early
    /// stopping usually keeps far fewer.
    /// </summary>
    /// <value>Default 800 (400 steps of 2 units; with learning rate 0.1, 200 one-unit steps underfit satellite and diamonds). At least <see cref="UnitsPerStep"/>.</value>
    public int TotalHiddenUnits { get; set; } = Defaults.TotalHiddenUnits;

    /// <summary>Hidden units trained per boosting step (J).</summary>
    /// <value>Default 2 (the reference implementation's 1 is in <c>Options.Reference()</c>). At least 1.</value>
    public int UnitsPerStep { get; set; } = Defaults.UnitsPerStep;

    /// <summary>Shrinkage η: each step adds η times its (Newton-scaled, for classification) output.</summary>
    /// <value>Default 0.1 (the reference implementation's 1 overfits small and imbalanced sets from the first steps). Greater than 0.</value>
    public double LearningRate { get; set; } = Defaults.LearningRate;

    /// <summary>
    /// Classification: the Newton step length of each step is clamped to [−<c>MaxNewtonStep</c>, <c>MaxNewtonStep</c>] before the
    /// learning rate multiplies it, so a step whose learner barely moves the curvature-weighted loss cannot take a huge stride
    /// (imbalanced labels give Newton steps of 5–10). Regression has no line search: its step length is the learning rate.
    /// </summary>
    /// <value>Default 2. Greater than 0 when set; <c>null</c> leaves the Newton step unbounded (the reference implementation).</value>
    public double? MaxNewtonStep { get; set; } = Defaults.MaxNewtonStep;

    /// <summary>
    /// Stop after this many steps without a lower validation loss. With validation, the model keeps the steps up to the lowest
    /// validation loss (the best prefix) whether or not it stopped early.
    /// </summary>
    /// <value>
    /// Default 20. At least 1 when set, and then validation is required (a <see cref="TrainerOptionsBase.ValidationFraction"/> above 0 or
    /// <see cref="TrainerOptionsBase.ValidationData"/>); <c>null</c> trains every step.
    /// </value>
    public int? EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

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

    /// <summary>Checks every option; throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming it.</summary>
    public override void Validate()
    {
        base.Validate();
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
        if (MaxNewtonStep is { } maxStep && !(maxStep > 0))
            throw new ArgumentOutOfRangeException(nameof(MaxNewtonStep), maxStep, "Must be greater than 0, or null for no bound.");
        if (EarlyStoppingPatience is { } patience)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1, nameof(EarlyStoppingPatience));
            if (ValidationData is null && ValidationFraction == 0)
                throw new ArgumentException(
                    "EarlyStoppingPatience needs validation rows: set ValidationFraction above 0 or ValidationData, or set EarlyStoppingPatience to null.",
                    nameof(EarlyStoppingPatience));
        }

        if (Activation is not (ActivationKind.Sigmoid or ActivationKind.Tanh or ActivationKind.ReLU))
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Allowed: Sigmoid, Tanh, ReLU.");
    }

    /// <summary>The options of the catalogs' simple overloads.</summary>
    internal static TOptions ForSimpleOverload<TOptions>(string labelColumnName, string featureColumnName, string? exampleWeightColumnName, int totalHiddenUnits,
                                                         int unitsPerStep, double learningRate, double subsample, int? seed)
        where TOptions : GradientBoostedNeuralNetworkOptionsBase, new() => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        ExampleWeightColumnName = exampleWeightColumnName,
        TotalHiddenUnits = totalHiddenUnits,
        UnitsPerStep = unitsPerStep,
        LearningRate = learningRate,
        Subsample = subsample,
        Seed = seed,
    };

    /// <summary>
    /// Sets the reference implementation's settings (GAA-UAM/GBNN's defaults): 200 units, J = 1, learning rate 1, subsample 0.5,
    /// 200 L-BFGS iterations, L2 1e-4, logistic units, unbounded Newton steps, no validation or early stopping.
    /// </summary>
    private protected void ApplyReferenceSettings()
    {
        TotalHiddenUnits = 200;
        UnitsPerStep = 1;
        LearningRate = 1;
        Subsample = 0.5;
        MaxIterations = 200;
        L2Regularization = 1e-4;
        Activation = ActivationKind.Sigmoid;
        MaxNewtonStep = null;
        ValidationFraction = 0;
        ValidationData = null;
        EarlyStoppingPatience = null;
    }

    /// <summary>A shallow copy (every option is a value; <see cref="TrainerOptionsBase.ValidationData"/> is shared, not copied).</summary>
    private protected GradientBoostedNeuralNetworkOptionsBase CloneBase() => (GradientBoostedNeuralNetworkOptionsBase)MemberwiseClone();
}
