
namespace MLExtensions;

/// <summary>One blended meta-model of a <see cref="StackingModel"/>.</summary>
/// <param name="Name">What it is ("Ridge", "Lasso", "average", ...).</param>
/// <param name="BlendWeight">Its weight in the blend (weights sum to 1).</param>
/// <param name="Model">Linear model over the model's features (selected predictions, then meta-features if used).</param>
/// <param name="Alpha">Chosen penalty strength, if any.</param>
/// <param name="L1Ratio">Chosen L1 share, if any.</param>
/// <param name="OutOfFoldError">Out-of-fold RMSE (regression) or log-loss (classification) behind the blend weight, if measured.</param>
public sealed record StackingComponent(string Name, double BlendWeight, LinearModel Model, double? Alpha = null, double? L1Ratio = null, double? OutOfFoldError = null);
