using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The pruner tests' way to report: record the value in the history, then ask the pruner.</summary>
internal static class PrunerReports
{
    /// <summary>Adds <paramref name="trial"/> if new, records <paramref name="loss"/> at <paramref name="step"/>, and returns the pruner's answer.</summary>
    public static bool Report(IPruner pruner, TrialHistory history, int trial, int step, double loss)
    {
        if (!history.TrialIds.Contains(trial))
        {
            history.AddTrial(trial);
        }

        history.Report(trial, step, loss);
        return pruner.ShouldPrune(trial, step, loss, history);
    }
}
