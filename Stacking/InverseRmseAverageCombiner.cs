
namespace MLExtensions;

/// <summary>The weighted average with weights proportional to 1 / out-of-fold RMSE.</summary>
public sealed class InverseRmseAverageCombiner : StackingCombiner
{
    /// <inheritdoc/>
    public override string Name => "Inverse-RMSE weighted average";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var y = label;
        int k = predictions.Count;
        var inverse = predictions.Columns.Select(c => 1.0 / Math.Max(StackingData.Rmse(c, y), 1e-300)).ToArray();
        double total = inverse.Sum();
        var w = inverse.Select(v => v / total).ToArray();
        return new StackingModel(predictions.Names, Enumerable.Range(0, k).ToArray(), false, [new StackingComponent("inverse-RMSE average", 1.0, new LinearModel(w, 0))]);
    }
}
