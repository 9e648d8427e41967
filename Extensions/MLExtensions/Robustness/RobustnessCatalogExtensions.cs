using Microsoft.ML;

namespace MLExtensions;

/// <summary>Adaptive smoothing on ML.NET's binary and multiclass trainer catalogs.</summary>
public static class RobustnessCatalogExtensions
{
    /// <summary>
    /// Adaptive smoothing of two fitted multiclass neural classifiers: a mixing network, trained here against PGD at radius
    /// <paramref name="epsilon"/> (ℓ∞, in the feature column's units), weighs the robust model's probabilities against the standard one's.
    /// Other options keep their defaults.
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="standardModel">The standard (accurate) model.</param>
    /// <param name="robustModel">The robust (adversarially trained) model, trained on the same label and features.</param>
    /// <param name="epsilon">The nominal attack radius ε₀ of the training adversary.</param>
    /// <param name="labelColumnName">The label column (a key).</param>
    /// <param name="seed">Seed of the mixing network's training; <c>null</c> takes the next seed of the catalog's <see cref="MLContext"/>.</param>
    public static AdaptiveSmoothingTrainer AdaptiveSmoothing(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        NeuralNetworkPredictionTransformer standardModel, NeuralNetworkPredictionTransformer robustModel, double epsilon,
        string labelColumnName = ColumnNames.Label, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new AdaptiveSmoothingTrainer(Simple(standardModel, robustModel, epsilon, labelColumnName, seed), PredictionTask.MulticlassClassification), catalog);
    }

    /// <summary>Adaptive smoothing of two multiclass neural classifiers configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="options">All settings; copied and validated here.</param>
    public static AdaptiveSmoothingTrainer AdaptiveSmoothing(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        AdaptiveSmoothingTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new AdaptiveSmoothingTrainer(options, PredictionTask.MulticlassClassification), catalog);
    }

    /// <summary>
    /// Adaptive smoothing of two fitted binary neural classifiers (see the multiclass overload); other options keep their defaults.
    /// </summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="standardModel">The standard (accurate) model.</param>
    /// <param name="robustModel">The robust (adversarially trained) model.</param>
    /// <param name="epsilon">The nominal attack radius ε₀ of the training adversary.</param>
    /// <param name="labelColumnName">The label column (Boolean).</param>
    /// <param name="seed">Seed of the mixing network's training; <c>null</c> takes the next seed of the catalog's <see cref="MLContext"/>.</param>
    public static AdaptiveSmoothingTrainer AdaptiveSmoothing(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        NeuralNetworkPredictionTransformer standardModel, NeuralNetworkPredictionTransformer robustModel, double epsilon,
        string labelColumnName = ColumnNames.Label, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new AdaptiveSmoothingTrainer(Simple(standardModel, robustModel, epsilon, labelColumnName, seed), PredictionTask.BinaryClassification), catalog);
    }

    /// <summary>Adaptive smoothing of two binary neural classifiers configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The trainer catalog.</param>
    /// <param name="options">All settings; copied and validated here.</param>
    public static AdaptiveSmoothingTrainer AdaptiveSmoothing(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        AdaptiveSmoothingTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return CatalogContext.Apply(new AdaptiveSmoothingTrainer(options, PredictionTask.BinaryClassification), catalog);
    }

    private static AdaptiveSmoothingTrainer.Options Simple(NeuralNetworkPredictionTransformer standardModel, NeuralNetworkPredictionTransformer robustModel,
                                                           double epsilon, string labelColumnName, int? seed)
    {
        ArgumentNullException.ThrowIfNull(standardModel);
        ArgumentNullException.ThrowIfNull(robustModel);
        var options = new AdaptiveSmoothingTrainer.Options
        {
            StandardModel = standardModel,
            RobustModel = robustModel,
            LabelColumnName = labelColumnName,
            FeatureColumnName = standardModel.FeatureColumnName,
            Seed = seed,
        };
        options.Attack.Epsilon = epsilon;
        return options;
    }
}
