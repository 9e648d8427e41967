namespace MLExtensions.AutoML;

/// <summary>
/// How much of the metric's variation across trials one hyperparameter explains on its own (fANOVA; see
/// <see cref="AutoMLExperimentResult.GetParameterImportances"/>).
/// </summary>
/// <param name="Path">The coordinate's path in the search space, as in <see cref="FeatureDimension.Path"/>, e.g.
/// <c>Optimizer.Kind</c> or <c>Optimizer[adamw].LearningRate</c>.</param>
/// <param name="Importance">The share of <paramref name="VarianceFraction"/> among all the evaluated hyperparameters (the
/// importances sum to 1, as Optuna's <c>get_param_importances</c> normalizes them).</param>
/// <param name="VarianceFraction">The variance of the metric's marginal over this hyperparameter as a fraction of the total
/// variance, averaged over the forest's trees (Optuna's unnormalized importance); the fractions of all hyperparameters sum
/// to at most 1, the rest being interactions.</param>
/// <param name="StandardDeviation">The standard deviation of that fraction over the trees.</param>
public sealed record ParameterImportance(string Path, double Importance, double VarianceFraction, double StandardDeviation);
