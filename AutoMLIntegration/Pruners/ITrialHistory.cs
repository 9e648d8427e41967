namespace MLExtensions.AutoML;

/// <summary>A read-only view of every trial's intermediate losses, as pruners see them.</summary>
public interface ITrialHistory
{
    /// <summary>The ids of every trial known so far (running, complete, pruned, failed …).</summary>
    IReadOnlyList<int> TrialIds { get; }

    /// <summary>The state of trial <paramref name="trialId"/>.</summary>
    TrialState GetState(int trialId);

    /// <summary>The intermediate losses trial <paramref name="trialId"/> reported, in step order.</summary>
    IReadOnlyList<(int Step, double Loss)> GetIntermediateLosses(int trialId);
}
