namespace MLExtensions;

/// <summary>How <see cref="RegularizedLinearRegression.RidgeCV"/> scores a fold.</summary>
public enum RidgeCvScoring
{
    /// <summary>Mean squared error of the held-out fold (lower is better).</summary>
    MeanSquaredError,

    /// <summary>Coefficient of determination of the held-out fold (higher is better): scikit-learn's default <c>RidgeCV(cv=K)</c> scoring.</summary>
    RSquared,
}
