namespace MLExtensions;

/// <summary>What <see cref="SelectBestCombiner"/> compared and which candidate it chose.</summary>
/// <param name="Candidates">The candidates' names, in the order given.</param>
/// <param name="CrossValidationErrors">
/// Each candidate's nested out-of-fold RMSE: for every fold of the selection, the candidate was fitted (with its own inner
/// cross-validation) on the other folds and predicted the held-out one.
/// </param>
/// <param name="Chosen">Index of the chosen candidate: the lowest error, the first one on ties.</param>
public sealed record CombinerSelectionReport(IReadOnlyList<string> Candidates, IReadOnlyList<double> CrossValidationErrors, int Chosen)
{
    /// <summary>The chosen candidate's name.</summary>
    public string ChosenName => Candidates[Chosen];
}
