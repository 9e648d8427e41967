namespace MLExtensions.AutoML;

/// <summary>The metrics a binary-classification experiment can optimize (Microsoft.ML.AutoML's names; all maximized).</summary>
public enum BinaryClassificationMetric
{
    /// <summary>Accuracy (maximize).</summary>
    Accuracy,

    /// <summary>Area under the ROC curve (maximize).</summary>
    AreaUnderRocCurve,

    /// <summary>Area under the precision-recall curve (maximize).</summary>
    AreaUnderPrecisionRecallCurve,

    /// <summary>F1 score (maximize).</summary>
    F1Score,

    /// <summary>Positive precision (maximize).</summary>
    PositivePrecision,

    /// <summary>Positive recall (maximize).</summary>
    PositiveRecall,

    /// <summary>Negative precision (maximize).</summary>
    NegativePrecision,

    /// <summary>Negative recall (maximize).</summary>
    NegativeRecall,
}
