using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>The outcome of one trial.</summary>
public sealed class TrialResult
{
    /// <summary>The trial that produced this result.</summary>
    public required TrialSettings TrialSettings { get; init; }

    /// <summary>The fitted model of the trial (null when it failed, or when the experiment does not keep models).</summary>
    public ITransformer? Model { get; init; }

    /// <summary>The evaluation metric in its own direction (e.g. AUC, RMSE); NaN when the trial did not complete.</summary>
    public double Metric { get; init; } = double.NaN;

    /// <summary>The value the tuners minimize: <c>-Metric</c> for metrics to maximize, <c>Metric</c> otherwise.</summary>
    public double Loss { get; init; } = double.NaN;

    /// <summary>Wall-clock duration of the trial in milliseconds.</summary>
    public double DurationInMilliseconds { get; init; }

    /// <summary>How the trial ended.</summary>
    public TrialState State { get; init; }

    /// <summary>The intermediate values the trial reported, in step order.</summary>
    public IReadOnlyList<(int Step, double Value)> IntermediateValues { get; init; } = [];

    /// <summary>The exception of a failed trial; null otherwise.</summary>
    public Exception? Exception { get; init; }

    /// <summary>Peak CPU usage observed during the trial (fraction of all cores), when monitored.</summary>
    public double? PeakCpu { get; init; }

    /// <summary>Peak working set observed during the trial in MiB, when monitored.</summary>
    public double? PeakMemoryInMegaByte { get; init; }
}
