using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// The baseline every combiner has to beat: the single base model with the lowest out-of-fold RMSE (the first one on ties), with
/// weight 1. For binary classification the columns are probabilities, so the choice is by the root of the Brier score. It runs no
/// cross-validation, so a fold assignment is only checked.
/// </summary>
public sealed class BestSingleModelCombiner : StackingCombiner
{
    /// <inheritdoc/>
    public override string Name => "Best single model";

    /// <inheritdoc/>
    protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
    {
        var watch = Stopwatch.StartNew();
        int best = 0;
        double bestRmse = double.PositiveInfinity;
        for (int k = 0; k < predictions.Count; k++)
        {
            double rmse = StackingData.Rmse(predictions.Columns[k], label);
            if (rmse < bestRmse)
            {
                best = k;
                bestRmse = rmse;
            }
        }

        return new StackingModel(predictions.Names, [best], false,
            [new StackingComponent(predictions.Names[best], 1.0, new LinearModel([1.0], 0), OutOfFoldError: bestRmse)])
        {
            Diagnostics = new StackingDiagnostics(null, watch.Elapsed) { OutOfFoldError = bestRmse },
        };
    }
}
