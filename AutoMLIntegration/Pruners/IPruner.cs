namespace MLExtensions.AutoML;

/// <summary>
/// Decides whether a running trial should stop, from the intermediate values of all trials so far (Optuna's pruner
/// contract). Values are losses: smaller is better (the experiment negates metrics to maximize before asking).
/// </summary>
public interface IPruner
{
    /// <summary>Whether trial <paramref name="trialId"/>, which just reported <paramref name="loss"/> at <paramref name="step"/>, should stop.</summary>
    bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history);
}
