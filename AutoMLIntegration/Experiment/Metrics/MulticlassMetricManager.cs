using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Evaluates a multiclass classifier's scored data with <c>MulticlassClassification.Evaluate</c>.</summary>
internal sealed class MulticlassMetricManager(MulticlassClassificationMetric metric, string labelColumnName, string? predictedColumnName) : IMetricManager
{
    public string MetricName => metric.ToString();

    public bool IsMaximize => metric != MulticlassClassificationMetric.LogLoss;

    public double Evaluate(MLContext context, IDataView scored)
    {
        ScoredColumns.Require(scored, labelColumnName, "labelColumn", "SetMulticlassClassificationMetric");
        var m = context.MulticlassClassification.Evaluate(scored, labelColumnName, predictedLabelColumnName: predictedColumnName ?? "PredictedLabel");
        return metric switch
        {
            MulticlassClassificationMetric.MicroAccuracy => m.MicroAccuracy,
            MulticlassClassificationMetric.MacroAccuracy => m.MacroAccuracy,
            MulticlassClassificationMetric.LogLoss => m.LogLoss,
            MulticlassClassificationMetric.LogLossReduction => m.LogLossReduction,
            MulticlassClassificationMetric.TopKAccuracy => m.TopKAccuracy,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown multiclass classification metric."),
        };
    }
}
