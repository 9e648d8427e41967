using Microsoft.ML;

namespace MLExtensions;

/// <summary>Catalog entry points of MLExtensions.Stacking.</summary>
public static class StackingCatalogExtensions
{
    /// <summary>Stacks base regression estimators: out-of-fold predictions by K-fold CV, a combiner on them, base models refitted on all rows.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="baseEstimators">Regression estimators writing <c>Score</c>.</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="combiner">How predictions are combined; null for <see cref="RegularizedMetaLearningCombiner"/> with defaults.</param>
    /// <param name="folds">Cross-validation folds (at least 2).</param>
    /// <param name="seed">Seed of the fold split.</param>
    /// <returns>The estimator.</returns>
    public static StackingEnsembleEstimator StackingEnsemble(
        this RegressionCatalog.RegressionTrainers catalog, IEnumerable<IEstimator<ITransformer>> baseEstimators,
        string labelColumnName = StackingColumnNames.Label, StackingCombiner? combiner = null,
        int folds = StackingEnsembleEstimator.Options.Defaults.Folds, int seed = StackingEnsembleEstimator.Options.Defaults.Seed) =>
        new(baseEstimators, new() { LabelColumnName = labelColumnName, Combiner = combiner, Folds = folds, Seed = seed });

    /// <summary>Stacks base regression estimators with full options (the task is set to regression).</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="baseEstimators">Regression estimators writing <c>Score</c>.</param>
    /// <param name="options">Settings.</param>
    /// <returns>The estimator.</returns>
    public static StackingEnsembleEstimator StackingEnsemble(
        this RegressionCatalog.RegressionTrainers catalog, IEnumerable<IEstimator<ITransformer>> baseEstimators, StackingEnsembleEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Task = StackingTask.Regression;
        return new(baseEstimators, copy);
    }

    /// <summary>Stacks existing prediction columns (for example out-of-fold predictions computed elsewhere) for regression.</summary>
    /// <param name="catalog">The regression trainers catalog.</param>
    /// <param name="predictionColumnNames">Single prediction columns, one per base model.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="combiner">How predictions are combined; null for <see cref="RegularizedMetaLearningCombiner"/> with defaults.</param>
    /// <param name="foldColumnName">Each row's fold (the folds the predictions were made with), used by every cross-validation of the combiner; null for the combiner's own folds.</param>
    /// <returns>The estimator.</returns>
    public static PredictionColumnsStackingEstimator StackPredictions(
        this RegressionCatalog.RegressionTrainers catalog, string[] predictionColumnNames,
        string labelColumnName = StackingColumnNames.Label, StackingCombiner? combiner = null, string? foldColumnName = null) =>
        new(new() { PredictionColumnNames = predictionColumnNames, LabelColumnName = labelColumnName, Combiner = combiner, FoldColumnName = foldColumnName });

    /// <summary>Stacks base binary classifiers (their <c>Probability</c> columns).</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="baseEstimators">Binary estimators writing <c>Probability</c>.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="combiner">How probabilities are combined; null for <see cref="RegularizedLogisticMetaLearningCombiner"/> with defaults.</param>
    /// <param name="folds">Cross-validation folds (at least 2).</param>
    /// <param name="seed">Seed of the fold split.</param>
    /// <returns>The estimator.</returns>
    public static StackingEnsembleEstimator StackingEnsemble(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, IEnumerable<IEstimator<ITransformer>> baseEstimators,
        string labelColumnName = StackingColumnNames.Label, StackingCombiner? combiner = null,
        int folds = StackingEnsembleEstimator.Options.Defaults.Folds, int seed = StackingEnsembleEstimator.Options.Defaults.Seed) =>
        new(baseEstimators, new() { LabelColumnName = labelColumnName, Combiner = combiner, Folds = folds, Seed = seed, Task = StackingTask.BinaryClassification });

    /// <summary>Stacks existing probability columns for binary classification.</summary>
    /// <param name="catalog">The binary classification trainers catalog.</param>
    /// <param name="probabilityColumnNames">Single probability columns, one per base model.</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="combiner">How probabilities are combined; null for <see cref="RegularizedLogisticMetaLearningCombiner"/> with defaults.</param>
    /// <param name="foldColumnName">Each row's fold (the folds the probabilities were made with), used by every cross-validation of the combiner; null for the combiner's own folds.</param>
    /// <returns>The estimator.</returns>
    public static PredictionColumnsStackingEstimator StackPredictions(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, string[] probabilityColumnNames,
        string labelColumnName = StackingColumnNames.Label, StackingCombiner? combiner = null, string? foldColumnName = null) =>
        new(new()
        {
            PredictionColumnNames = probabilityColumnNames, LabelColumnName = labelColumnName, Combiner = combiner, FoldColumnName = foldColumnName,
            Task = StackingTask.BinaryClassification,
        });
}
