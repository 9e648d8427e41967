using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Evaluates a trial's model and says which direction is better.</summary>
public interface IMetricManager
{
    /// <summary>The metric's name, e.g. <c>AreaUnderRocCurve</c>.</summary>
    string MetricName { get; }

    /// <summary>Whether larger values are better.</summary>
    bool IsMaximize { get; }

    /// <summary>The metric of <paramref name="scored"/> (the model's output on evaluation data).</summary>
    double Evaluate(MLContext context, IDataView scored);
}
