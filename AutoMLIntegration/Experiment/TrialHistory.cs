namespace MLExtensions.AutoML;

/// <summary>
/// The thread-safe record of every trial's state and intermediate losses that an experiment keeps and its pruner reads
/// (<see cref="ITrialHistory"/>). Losses are minimized values: the experiment negates metrics to maximize before adding them.
/// </summary>
internal sealed class TrialHistory : ITrialHistory
{
    private readonly object _gate = new();
    private readonly List<int> _ids = [];
    private readonly Dictionary<int, TrialState> _states = [];
    private readonly Dictionary<int, List<(int Step, double Loss)>> _losses = [];

    /// <inheritdoc/>
    public IReadOnlyList<int> TrialIds
    {
        get
        {
            lock (_gate)
            {
                return _ids.ToArray();
            }
        }
    }

    /// <summary>Adds a running trial.</summary>
    /// <exception cref="ArgumentException">The id is already known.</exception>
    public void AddTrial(int trialId, TrialState state = TrialState.Running)
    {
        lock (_gate)
        {
            if (_states.ContainsKey(trialId))
            {
                throw new ArgumentException($"Trial {trialId} is already in the history.", nameof(trialId));
            }

            _ids.Add(trialId);
            _states[trialId] = state;
            _losses[trialId] = [];
        }
    }

    /// <summary>Records the loss of <paramref name="trialId"/> at <paramref name="step"/> (a repeated step replaces the value).</summary>
    public void Report(int trialId, int step, double loss)
    {
        lock (_gate)
        {
            var list = GetList(trialId);
            int at = list.FindIndex(p => p.Step >= step);
            if (at < 0)
            {
                list.Add((step, loss));
            }
            else if (list[at].Step == step)
            {
                list[at] = (step, loss);
            }
            else
            {
                list.Insert(at, (step, loss));
            }
        }
    }

    /// <summary>Sets the state of <paramref name="trialId"/>.</summary>
    public void SetState(int trialId, TrialState state)
    {
        lock (_gate)
        {
            GetList(trialId);
            _states[trialId] = state;
        }
    }

    /// <inheritdoc/>
    public TrialState GetState(int trialId)
    {
        lock (_gate)
        {
            GetList(trialId);
            return _states[trialId];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<(int Step, double Loss)> GetIntermediateLosses(int trialId)
    {
        lock (_gate)
        {
            return GetList(trialId).ToArray();
        }
    }

    private List<(int Step, double Loss)> GetList(int trialId) => _losses.TryGetValue(trialId, out var list)
        ? list
        : throw new KeyNotFoundException($"Trial {trialId} is not in the history; known trials: {_ids.Count}.");
}
