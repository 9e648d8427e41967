using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Evaluates a binary classifier's scored data with <c>BinaryClassification.Evaluate</c> (calibrated) or, without a probability column, <c>EvaluateNonCalibrated</c>.</summary>
internal sealed class BinaryMetricManager(BinaryClassificationMetric metric, string labelColumnName, string? predictedColumnName) : IMetricManager
{
    public string MetricName => metric.ToString();

    public bool IsMaximize => true;

    public double Evaluate(MLContext context, IDataView scored)
    {
        string predicted = predictedColumnName ?? "PredictedLabel";
        ScoredColumns.Require(scored, labelColumnName, "labelColumn", "SetBinaryClassificationMetric");
        var m = scored.Schema.GetColumnOrNull("Probability") is null
            ? context.BinaryClassification.EvaluateNonCalibrated(scored, labelColumnName, predictedLabelColumnName: predicted)
            : context.BinaryClassification.Evaluate(scored, labelColumnName, predictedLabelColumnName: predicted);
        return metric switch
        {
            BinaryClassificationMetric.Accuracy => m.Accuracy,
            BinaryClassificationMetric.AreaUnderRocCurve => m.AreaUnderRocCurve,
            BinaryClassificationMetric.AreaUnderPrecisionRecallCurve => m.AreaUnderPrecisionRecallCurve,
            BinaryClassificationMetric.F1Score => m.F1Score,
            BinaryClassificationMetric.PositivePrecision => m.PositivePrecision,
            BinaryClassificationMetric.PositiveRecall => m.PositiveRecall,
            BinaryClassificationMetric.NegativePrecision => m.NegativePrecision,
            BinaryClassificationMetric.NegativeRecall => m.NegativeRecall,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown binary classification metric."),
        };
    }
}
