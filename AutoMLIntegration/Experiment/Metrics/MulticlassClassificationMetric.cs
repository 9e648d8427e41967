namespace MLExtensions.AutoML;

/// <summary>The metrics a multiclass experiment can optimize (Microsoft.ML.AutoML's names).</summary>
public enum MulticlassClassificationMetric
{
    /// <summary>Micro-averaged accuracy (maximize).</summary>
    MicroAccuracy,

    /// <summary>Macro-averaged accuracy (maximize).</summary>
    MacroAccuracy,

    /// <summary>Log-loss (minimize).</summary>
    LogLoss,

    /// <summary>Log-loss reduction relative to the prior (maximize; Microsoft.ML.AutoML 6.0 minimizes it by mistake).</summary>
    LogLossReduction,

    /// <summary>Top-K accuracy (maximize).</summary>
    TopKAccuracy,
}
