namespace MLExtensions.AutoML;

/// <summary>The metrics a regression experiment can optimize (Microsoft.ML.AutoML's names).</summary>
public enum RegressionMetric
{
    /// <summary>Mean absolute error (minimize).</summary>
    MeanAbsoluteError,

    /// <summary>Mean squared error (minimize).</summary>
    MeanSquaredError,

    /// <summary>Root mean squared error (minimize).</summary>
    RootMeanSquaredError,

    /// <summary>Coefficient of determination R² (maximize).</summary>
    RSquared,
}
