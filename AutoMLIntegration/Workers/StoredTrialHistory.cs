namespace MLExtensions.AutoML;

/// <summary>A pruner's view of a study's stored trials: intermediate values as losses (negated when the study maximizes).</summary>
internal sealed class StoredTrialHistory : ITrialHistory
{
    private readonly Dictionary<int, StoredTrial> _trials;
    private readonly bool _isMaximize;

    public StoredTrialHistory(IReadOnlyList<StoredTrial> trials, bool isMaximize)
    {
        _trials = trials.ToDictionary(t => t.TrialId);
        _isMaximize = isMaximize;
        TrialIds = trials.Select(t => t.TrialId).ToArray();
    }

    public IReadOnlyList<int> TrialIds { get; }

    public TrialState GetState(int trialId) => Get(trialId).State;

    public IReadOnlyList<(int Step, double Loss)> GetIntermediateLosses(int trialId) =>
        Get(trialId).IntermediateValues.Select(v => (v.Step, _isMaximize ? -v.Value : v.Value)).ToArray();

    private StoredTrial Get(int trialId) => _trials.TryGetValue(trialId, out var trial)
        ? trial
        : throw new ArgumentOutOfRangeException(nameof(trialId), trialId, "The study has no such trial.");
}
