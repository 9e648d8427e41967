
namespace MLExtensions;

/// <summary>Outcome of <see cref="RedundancyProjector.Fit"/>.</summary>
/// <param name="Names">All model names, in input order.</param>
/// <param name="Kept">Indices of kept models, in ascending-RMSE order.</param>
/// <param name="VisitOrder">The order of the greedy pass (ascending OOF RMSE, ties by index).</param>
/// <param name="Duplicates">Models dropped as redundant, with the twin that caused it.</param>
/// <param name="NearConstant">Models dropped by the variance filter.</param>
/// <param name="OutOfFoldRmse">OOF RMSE of every model, in input order.</param>
/// <param name="ConditionNumberBefore">2-norm condition number of the correlation matrix of all prediction columns (NaN if one is constant).</param>
/// <param name="ConditionNumberAfter">The same for the kept columns.</param>
public sealed record RedundancyReport(
    IReadOnlyList<string> Names, IReadOnlyList<int> Kept, IReadOnlyList<int> VisitOrder, IReadOnlyList<DroppedDuplicate> Duplicates,
    IReadOnlyList<int> NearConstant, IReadOnlyList<double> OutOfFoldRmse, double ConditionNumberBefore, double ConditionNumberAfter);
