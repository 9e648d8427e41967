using Microsoft.ML;

namespace MLExtensions;

/// <summary>MLExtensions trainers on <see cref="BinaryClassificationCatalog"/>.</summary>
public static class BinaryClassificationCatalogExtensions
{
    /// <summary>A TorchSharp multilayer perceptron with the common settings; other options keep their defaults.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column: a known-size vector of Single.</param>
    /// <param name="exampleWeightColumnName">An optional example-weight column (Single, at least 0); <c>null</c> weighs every row 1.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; <c>null</c> for the default [64, 32].</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">Learning rate of the default AdamW optimizer.</param>
    /// <param name="batchSize">Rows per step.</param>
    /// <param name="seed">Seed for reproducible training; <c>null</c> takes the next seed of the catalog's <see cref="MLContext"/>.</param>
    public static NeuralNetworkBinaryTrainer NeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, string? exampleWeightColumnName = null,
        int[]? hiddenLayerSizes = null, int epochs = NeuralNetworkOptionsBase.Defaults.Epochs,
        double learningRate = NeuralNetworkOptionsBase.Defaults.LearningRate, int batchSize = NeuralNetworkOptionsBase.Defaults.BatchSize,
        int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new NeuralNetworkBinaryTrainer(NeuralNetworkOptionsBase.ForSimpleOverload<NeuralNetworkBinaryTrainer.Options>(
            labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, epochs, learningRate, batchSize, seed)), catalog);
    }

    /// <summary>A TorchSharp multilayer perceptron configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="options">All settings; copied and validated here.</param>
    /// <param name="progress">Receives one report per epoch (loss, validation loss, learning rate, gradient norm, seconds).</param>
    public static NeuralNetworkBinaryTrainer NeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        NeuralNetworkBinaryTrainer.Options options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new NeuralNetworkBinaryTrainer(options, progress), catalog);
    }

    /// <summary>
    /// GBNN: a one-hidden-layer network grown in gradient-boosting steps of <paramref name="unitsPerStep"/> units; other options
    /// keep their defaults (Newton steps capped, early stopping on 10% held-out rows). <c>Options.Reference()</c> of the trainer
    /// gives the reference implementation's settings.
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column: a known-size vector of Single.</param>
    /// <param name="exampleWeightColumnName">An optional example-weight column (Single, at least 0); <c>null</c> weighs every row 1.</param>
    /// <param name="totalHiddenUnits">Hidden units of the final network (rounded down to a multiple of <paramref name="unitsPerStep"/>).</param>
    /// <param name="unitsPerStep">Hidden units trained per step.</param>
    /// <param name="learningRate">Shrinkage of every step (default 0.1).</param>
    /// <param name="subsample">Share of rows each step trains on.</param>
    /// <param name="seed">Seed for reproducible training; <c>null</c> takes the next seed of the catalog's <see cref="MLContext"/>.</param>
    public static GradientBoostedNeuralNetworkBinaryTrainer GradientBoostedNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, string? exampleWeightColumnName = null,
        int totalHiddenUnits = GradientBoostedNeuralNetworkOptionsBase.Defaults.TotalHiddenUnits,
        int unitsPerStep = GradientBoostedNeuralNetworkOptionsBase.Defaults.UnitsPerStep,
        double learningRate = GradientBoostedNeuralNetworkOptionsBase.Defaults.LearningRate,
        double subsample = GradientBoostedNeuralNetworkOptionsBase.Defaults.Subsample, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new GradientBoostedNeuralNetworkBinaryTrainer(GradientBoostedNeuralNetworkOptionsBase.ForSimpleOverload<GradientBoostedNeuralNetworkBinaryTrainer.Options>(
            labelColumnName, featureColumnName, exampleWeightColumnName, totalHiddenUnits, unitsPerStep, learningRate, subsample, seed)), catalog);
    }

    /// <summary>GBNN configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="options">All settings; copied and validated here.</param>
    /// <param name="progress">Receives one report per boosting step (e.g. <c>mlContext.CreateTrainingLog("GBNN")</c>).</param>
    public static GradientBoostedNeuralNetworkBinaryTrainer GradientBoostedNeuralNetwork(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        GradientBoostedNeuralNetworkBinaryTrainer.Options options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new GradientBoostedNeuralNetworkBinaryTrainer(options, progress), catalog);
    }
}
