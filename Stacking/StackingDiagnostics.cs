
namespace MLExtensions;

/// <summary>What a combiner found while fitting.</summary>
/// <param name="Redundancy">The redundancy projection, if one ran.</param>
/// <param name="FitTime">Wall-clock time of the combiner's fit.</param>
public sealed record StackingDiagnostics(RedundancyReport? Redundancy, TimeSpan FitTime)
{
    /// <summary>
    /// Out-of-fold error of the blend (RMSE for regression, log-loss for classification) from the outer K-fold, when measured.
    /// Optimistic: the projection and the blend weights saw every row's target.
    /// </summary>
    public double? OutOfFoldError { get; init; }

    /// <summary>The candidates' cross-validated errors and the choice, when the model comes from <see cref="SelectBestCombiner"/>.</summary>
    public CombinerSelectionReport? Selection { get; init; }
}
