using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Evaluates a regressor's scored data with <c>Regression.Evaluate</c>.</summary>
internal sealed class RegressionMetricManager(RegressionMetric metric, string labelColumnName, string? scoreColumnName) : IMetricManager
{
    public string MetricName => metric.ToString();

    public bool IsMaximize => metric == RegressionMetric.RSquared;

    public double Evaluate(MLContext context, IDataView scored)
    {
        ScoredColumns.Require(scored, labelColumnName, "labelColumn", "SetRegressionMetric");
        ScoredColumns.Require(scored, scoreColumnName ?? "Score", "scoreColumn", "SetRegressionMetric");
        var m = context.Regression.Evaluate(scored, labelColumnName, scoreColumnName ?? "Score");
        return metric switch
        {
            RegressionMetric.MeanAbsoluteError => m.MeanAbsoluteError,
            RegressionMetric.MeanSquaredError => m.MeanSquaredError,
            RegressionMetric.RootMeanSquaredError => m.RootMeanSquaredError,
            RegressionMetric.RSquared => m.RSquared,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown regression metric."),
        };
    }
}
