namespace MLExtensions.AutoML;

/// <summary>One trial as a row of <see cref="AutoMLExperimentResult.ToDataView"/>.</summary>
public sealed class TrialRow
{
    /// <summary>The trial's id.</summary>
    public int TrialId { get; set; }

    /// <summary>How it ended (<see cref="TrialState"/> name).</summary>
    public string State { get; set; } = "";

    /// <summary>The metric (NaN unless complete).</summary>
    public double Metric { get; set; }

    /// <summary>The minimized loss (NaN unless complete).</summary>
    public double Loss { get; set; }

    /// <summary>Wall-clock duration in milliseconds.</summary>
    public double DurationInMilliseconds { get; set; }

    /// <summary>The start time, ISO 8601 UTC.</summary>
    public string StartedAtUtc { get; set; } = "";

    /// <summary>The parameter as JSON.</summary>
    public string Parameter { get; set; } = "";

    /// <summary>The steps of the intermediate values.</summary>
    public int[] IntermediateSteps { get; set; } = [];

    /// <summary>The intermediate values (metric units).</summary>
    public double[] IntermediateValues { get; set; } = [];

    /// <summary>The exception message of a failed trial; empty otherwise.</summary>
    public string Error { get; set; } = "";

    /// <summary>The peak CPU use during the trial, a fraction of all cores (NaN when not measured).</summary>
    public double PeakCpu { get; set; } = double.NaN;

    /// <summary>The peak working set of the process during the trial in MiB (NaN when not measured).</summary>
    public double PeakMemoryInMegaByte { get; set; } = double.NaN;
}
