using MLExtensions.Stacking.Linear;

namespace MLExtensions.Stacking;

/// <summary>
/// Learns how to combine base-model predictions from out-of-fold predictions and the target. The regularized meta-learning
/// pipeline and the baselines (averages, ridge stacking, greedy ensemble selection) share this interface, and the ML.NET
/// estimators take any of them.
/// </summary>
public abstract class StackingCombiner
{
    /// <summary>A short name for reports.</summary>
    public abstract string Name { get; }

    /// <summary>Fits the combiner.</summary>
    /// <param name="predictions">Out-of-fold predictions, one column per base model.</param>
    /// <param name="label">The target, one value per row.</param>
    /// <returns>The fitted combination.</returns>
    public abstract StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label);
}

/// <summary>The simple average of all base predictions.</summary>
public sealed class SimpleAverageCombiner : StackingCombiner
{
    /// <inheritdoc/>
    public override string Name => "Simple average";

    /// <inheritdoc/>
    public override StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        StackingData.CheckLabel(label, predictions.Rows);
        int k = predictions.Count;
        var w = Enumerable.Repeat(1.0 / k, k).ToArray();
        return new StackingModel(predictions.Names, Enumerable.Range(0, k).ToArray(), false, [new StackingComponent("average", 1.0, new LinearModel(w, 0))]);
    }
}

/// <summary>The weighted average with weights proportional to 1 / out-of-fold RMSE.</summary>
public sealed class InverseRmseAverageCombiner : StackingCombiner
{
    /// <inheritdoc/>
    public override string Name => "Inverse-RMSE weighted average";

    /// <inheritdoc/>
    public override StackingModel Fit(PredictionMatrix predictions, IReadOnlyList<double> label)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var y = StackingData.CheckLabel(label, predictions.Rows);
        int k = predictions.Count;
        var inverse = predictions.Columns.Select(c => 1.0 / Math.Max(StackingData.Rmse(c, y), 1e-300)).ToArray();
        double total = inverse.Sum();
        var w = inverse.Select(v => v / total).ToArray();
        return new StackingModel(predictions.Names, Enumerable.Range(0, k).ToArray(), false, [new StackingComponent("inverse-RMSE average", 1.0, new LinearModel(w, 0))]);
    }
}
