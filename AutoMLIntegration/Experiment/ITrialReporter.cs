namespace MLExtensions.AutoML;

/// <summary>
/// What a running trial uses to report intermediate values (a validation metric per epoch, a loss per boosting step) and to
/// ask whether it should stop early. Values are in the experiment's metric units and direction (not negated).
/// </summary>
public interface ITrialReporter
{
    /// <summary>Reports <paramref name="value"/> at <paramref name="step"/> (an epoch or a boosting step, 1-based, increasing).</summary>
    void Report(int step, double value);

    /// <summary>Whether the pruner asks this trial to stop now; the trial then ends as <see cref="TrialState.Pruned"/>.</summary>
    bool ShouldPrune();
}
