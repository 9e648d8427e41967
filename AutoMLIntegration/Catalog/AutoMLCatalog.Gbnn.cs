using Microsoft.ML;

namespace MLExtensions.AutoML;

#pragma warning disable CA1822 // catalog methods are instance members reached through mlContext.AutoML(), as in ML.NET

/// <summary>The gradient-boosted neural network sweepables (documented in <c>AutoMLIntegration/README.md</c>).</summary>
public sealed partial class AutoMLCatalog
{
    /// <summary>The relative cost prior of GBNN (our estimate; SDCA = 1): hundreds of small L-BFGS fits per model.</summary>
    public const double GradientBoostedNeuralNetworkCostPrior = 20;

    /// <summary>GBNN binary classification over <see cref="GbnnOption"/>'s space. Inside an experiment it reports the
    /// validation loss after every boosting step to the trial's reporter, so a pruner can stop it.</summary>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="seed">The trainer seed (null: the next seed of the trial's <see cref="MLContext"/>, which the experiment seeds per trial).</param>
    public SweepableEstimator<GbnnOption> GradientBoostedNeuralNetworkBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null) =>
        new((ctx, o) => ctx.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
                Gbnn(new GradientBoostedNeuralNetworkBinaryTrainer.Options(), o, labelColumnName, featureColumnName, seed), TrialScope.TrainingProgress),
            null, "GradientBoostedNeuralNetworkBinary", GradientBoostedNeuralNetworkCostPrior);

    /// <summary>GBNN multiclass classification (key-typed label) over <see cref="GbnnOption"/>'s space, reporting per boosting step.</summary>
    /// <inheritdoc cref="GradientBoostedNeuralNetworkBinary"/>
    public SweepableEstimator<GbnnOption> GradientBoostedNeuralNetworkMulticlass(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null) =>
        new((ctx, o) => ctx.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(
                Gbnn(new GradientBoostedNeuralNetworkMulticlassTrainer.Options(), o, labelColumnName, featureColumnName, seed), TrialScope.TrainingProgress),
            null, "GradientBoostedNeuralNetworkMulticlass", GradientBoostedNeuralNetworkCostPrior);

    /// <summary>GBNN regression over <see cref="GbnnOption"/>'s space, reporting per boosting step.</summary>
    /// <inheritdoc cref="GradientBoostedNeuralNetworkBinary"/>
    public SweepableEstimator<GbnnOption> GradientBoostedNeuralNetworkRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null) =>
        new((ctx, o) => ctx.Regression.Trainers.GradientBoostedNeuralNetwork(
                Gbnn(new GradientBoostedNeuralNetworkRegressionTrainer.Options(), o, labelColumnName, featureColumnName, seed), TrialScope.TrainingProgress),
            null, "GradientBoostedNeuralNetworkRegression", GradientBoostedNeuralNetworkCostPrior);

    private static T Gbnn<T>(T options, GbnnOption o, string label, string features, int? seed)
        where T : GradientBoostedNeuralNetworkOptionsBase
    {
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.Seed = seed;
        options.UnitsPerStep = o.UnitsPerStep;
        options.TotalHiddenUnits = Math.Max(o.TotalHiddenUnits, o.UnitsPerStep); // at least one step
        options.LearningRate = o.LearningRate;
        options.Subsample = o.Subsample;
        options.L2Regularization = o.L2Regularization;
        options.MaxIterations = o.MaxIterations;
        options.Activation = o.Activation;
        return options;
    }
}
#pragma warning restore CA1822
