namespace MLExtensions.AutoML;

/// <summary>Receives the experiment's progress (ML.NET's monitor contract, plus pruned trials).</summary>
public interface IMonitor
{
    /// <summary>A trial starts.</summary>
    void ReportRunningTrial(TrialSettings settings);

    /// <summary>A trial ended in any state (complete, pruned, failed, cancelled, timed out).</summary>
    void ReportCompletedTrial(TrialResult result);

    /// <summary>A trial became the best so far.</summary>
    void ReportBestTrial(TrialResult result);
}
