
namespace MLExtensions;

/// <summary>The simple average of all base predictions.</summary>
public sealed class SimpleAverageCombiner : StackingCombiner
{
    /// <inheritdoc/>
    public override string Name => "Simple average";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        int k = predictions.Count;
        var w = Enumerable.Repeat(1.0 / k, k).ToArray();
        return new StackingModel(predictions.Names, Enumerable.Range(0, k).ToArray(), false, [new StackingComponent("average", 1.0, new LinearModel(w, 0))]);
    }
}
