
namespace MLExtensions;

/// <summary>
/// Learns how to combine base-model predictions from out-of-fold predictions and the target. The regularized meta-learning
/// pipeline and the baselines (averages, best single model, ridge stacking, greedy ensemble selection) and the cross-validated
/// choice among them share this interface, and the ML.NET estimators take any of them.
/// </summary>
/// <remarks>
/// A fold assignment (each row's fold, usually the folds the out-of-fold predictions were made with) replaces the combiner's own
/// shuffled folds in every cross-validation it runs: the alpha searches, the outer folds of the meta-learning pipeline, the
/// choice among combiners. Combiners without a cross-validation (averages, best single model, greedy selection) check it and
/// otherwise do not need it.
/// </remarks>
public abstract class StackingCombiner
{
    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>Fits the combiner; any cross-validation inside uses the combiner's own seeded shuffled folds.</summary>
    /// <param name="predictions">Out-of-fold predictions, one column per base model.</param>
    /// <param name="label">The target, one finite value per row.</param>
    /// <returns>The fitted combination.</returns>
    public StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label) => Fit(predictions, label, null);

    /// <summary>Fits the combiner with a fold assignment that every cross-validation inside uses.</summary>
    /// <param name="predictions">Out-of-fold predictions, one column per base model.</param>
    /// <param name="label">The target, one finite value per row.</param>
    /// <param name="folds">
    /// Each row's fold: integers ≥ 0 (any labels, e.g. 0–4 or 1–5), at least 2 distinct values; null for the combiner's own folds.
    /// </param>
    /// <returns>The fitted combination.</returns>
    public StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label, IReadOnlyList<int>? folds)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var y = StackingData.CheckLabel(label, predictions.Rows);
        var dense = folds is null ? null : StackingData.CheckFolds(folds.Select(f => (long)f).ToArray(), predictions.Rows, "The fold assignment", nameof(folds));
        return FitCore(predictions, y, dense);
    }

    /// <summary>Fits the combiner on checked inputs.</summary>
    /// <param name="predictions">Out-of-fold predictions.</param>
    /// <param name="label">The target (same length, finite).</param>
    /// <param name="folds">Null, or each row's fold numbered 0 … K − 1 with K ≥ 2 and every fold non-empty.</param>
    /// <returns>The fitted combination.</returns>
    protected abstract StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds);
}
