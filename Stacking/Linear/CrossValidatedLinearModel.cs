namespace MLExtensions;

/// <summary>A linear model refitted with cross-validated hyper-parameters.</summary>
/// <param name="Model">The model refitted on all rows.</param>
/// <param name="Alpha">The chosen penalty strength.</param>
/// <param name="L1Ratio">The chosen L1 share (0 for ridge).</param>
/// <param name="MeanScores">Mean fold score per l1 ratio (outer) and alpha (inner; descending order for Lasso/ElasticNet, given order for ridge).</param>
public sealed record CrossValidatedLinearModel(LinearModel Model, double Alpha, double L1Ratio, IReadOnlyList<double[]> MeanScores)
{
    /// <summary>Fold MSE per l1 ratio, alpha (descending) and fold, like scikit-learn's <c>mse_path_</c>; null for ridge.</summary>
    public IReadOnlyList<double[,]>? FoldMsePath { get; init; }
}
