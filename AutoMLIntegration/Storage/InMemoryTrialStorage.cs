namespace MLExtensions.AutoML;

/// <summary>
/// The default <see cref="ITrialStorage"/>: studies kept in this process's memory, safe for the threads of one process
/// (every operation takes one lock, so id allocation, claims and <see cref="ProposeAndClaimAsync"/> are atomic). Nothing
/// survives the process; use the SQLite or PostgreSQL storages to share or resume a study.
/// </summary>
public sealed class InMemoryTrialStorage : ITrialStorage
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Study> _studies = new(StringComparer.Ordinal);
    private readonly Func<DateTime> _utcNow;
    private bool _disposed;

    private sealed class Study(bool isMaximize)
    {
        public bool IsMaximize { get; } = isMaximize;

        public List<StoredTrial> Trials { get; } = [];
    }

    /// <summary>An empty storage.</summary>
    public InMemoryTrialStorage()
        : this(() => DateTime.UtcNow)
    {
    }

    /// <summary>An empty storage reading time from <paramref name="utcNow"/> (tests of heartbeats and reclaim).</summary>
    internal InMemoryTrialStorage(Func<DateTime> utcNow) => _utcNow = utcNow;

    /// <inheritdoc/>
    public Task CreateOrOpenStudyAsync(string studyName, bool isMaximize, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            CheckName(studyName);
            if (_studies.TryGetValue(studyName, out var study))
            {
                if (study.IsMaximize != isMaximize)
                {
                    throw new InvalidOperationException(
                        $"Study '{studyName}' exists with isMaximize = {study.IsMaximize}; it cannot be opened with isMaximize = {isMaximize}.");
                }
            }
            else
            {
                _studies[studyName] = new Study(isMaximize);
            }

            return 0;
        });

    /// <inheritdoc/>
    public Task<int> EnqueueAsync(string studyName, string parameterJson, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            ArgumentNullException.ThrowIfNull(parameterJson);
            var study = GetStudy(studyName);
            int id = study.Trials.Count;
            study.Trials.Add(new StoredTrial { TrialId = id, ParameterJson = parameterJson, State = TrialState.Waiting });
            return id;
        });

    /// <inheritdoc/>
    public Task<StoredTrial?> ClaimAsync(string studyName, string workerId, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            ArgumentException.ThrowIfNullOrEmpty(workerId);
            var study = GetStudy(studyName);
            int index = study.Trials.FindIndex(t => t.State == TrialState.Waiting);
            if (index < 0)
            {
                return (StoredTrial?)null;
            }

            var now = _utcNow();
            var claimed = study.Trials[index] with { State = TrialState.Running, WorkerId = workerId, StartedAtUtc = now, HeartbeatUtc = now };
            study.Trials[index] = claimed;
            return claimed;
        });

    /// <inheritdoc/>
    public Task<StoredTrial?> ProposeAndClaimAsync(string studyName, string workerId, Func<IReadOnlyList<StoredTrial>, int, string?> propose,
        CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            ArgumentException.ThrowIfNullOrEmpty(workerId);
            ArgumentNullException.ThrowIfNull(propose);
            var study = GetStudy(studyName);
            int id = study.Trials.Count;
            string? json = propose(study.Trials.ToArray(), id);
            if (json is null)
            {
                return (StoredTrial?)null;
            }

            var now = _utcNow();
            var trial = new StoredTrial
            {
                TrialId = id, ParameterJson = json, State = TrialState.Running, WorkerId = workerId, StartedAtUtc = now, HeartbeatUtc = now,
            };
            study.Trials.Add(trial);
            return trial;
        });

    /// <inheritdoc/>
    public Task ReportAsync(string studyName, int trialId, int step, double value, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            var (study, trial) = GetRunning(studyName, trialId, nameof(ReportAsync));
            var values = trial.IntermediateValues.Where(p => p.Step != step).Append((Step: step, Value: value)).OrderBy(p => p.Step).ToArray();
            study.Trials[trialId] = trial with { IntermediateValues = values };
            return 0;
        });

    /// <inheritdoc/>
    public Task HeartbeatAsync(string studyName, int trialId, string workerId, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            var (study, trial) = GetRunning(studyName, trialId, nameof(HeartbeatAsync));
            if (trial.WorkerId != workerId)
            {
                throw new InvalidOperationException($"Trial {trialId} of study '{studyName}' is claimed by worker '{trial.WorkerId}', not '{workerId}'.");
            }

            study.Trials[trialId] = trial with { HeartbeatUtc = _utcNow() };
            return 0;
        });

    /// <inheritdoc/>
    public Task FinishAsync(string studyName, int trialId, TrialState state, double? metric, double? loss, string? error,
        double durationInMilliseconds, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            if (state is TrialState.Waiting or TrialState.Running || !Enum.IsDefined(state))
            {
                throw new ArgumentOutOfRangeException(nameof(state), state, "A trial finishes as Complete, Pruned, Failed, Cancelled or TimedOut.");
            }

            var (study, trial) = GetRunning(studyName, trialId, nameof(FinishAsync));
            study.Trials[trialId] = trial with
            {
                State = state, Metric = metric, Loss = loss, Error = error, DurationInMilliseconds = durationInMilliseconds, EndedAtUtc = _utcNow(),
            };
            return 0;
        });

    /// <inheritdoc/>
    public Task<int> ReclaimStaleAsync(string studyName, TimeSpan staleAfter, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () =>
        {
            var study = GetStudy(studyName);
            var limit = _utcNow() - staleAfter;
            int count = 0;
            for (int i = 0; i < study.Trials.Count; i++)
            {
                var t = study.Trials[i];
                if (t.State == TrialState.Running && (t.HeartbeatUtc ?? t.StartedAtUtc ?? DateTime.MinValue) < limit)
                {
                    study.Trials[i] = t with { State = TrialState.Waiting, WorkerId = null, StartedAtUtc = null, HeartbeatUtc = null, IntermediateValues = [] };
                    count++;
                }
            }

            return count;
        });

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredTrial>> GetTrialsAsync(string studyName, CancellationToken cancellationToken = default) =>
        Run(cancellationToken, () => (IReadOnlyList<StoredTrial>)GetStudy(studyName).Trials.ToArray());

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _studies.Clear();
        }
    }

#pragma warning disable CA1068 // private helper: the token first keeps the multi-line lambda last at every call site
    private Task<T> Run<T>(CancellationToken cancellationToken, Func<T> body)
#pragma warning restore CA1068
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Task.FromResult(body());
            }
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private Study GetStudy(string studyName)
    {
        CheckName(studyName);
        return _studies.TryGetValue(studyName, out var study)
            ? study
            : throw new KeyNotFoundException($"Study '{studyName}' does not exist; create it with {nameof(CreateOrOpenStudyAsync)} first.");
    }

    private (Study Study, StoredTrial Trial) GetRunning(string studyName, int trialId, string operation)
    {
        var study = GetStudy(studyName);
        if (trialId < 0 || trialId >= study.Trials.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(trialId), trialId, $"Study '{studyName}' has trials 0 to {study.Trials.Count - 1}.");
        }

        var trial = study.Trials[trialId];
        return trial.State == TrialState.Running
            ? (study, trial)
            : throw new InvalidOperationException($"{operation}: trial {trialId} of study '{studyName}' is {trial.State}, not Running.");
    }

    private static void CheckName(string studyName)
    {
        if (string.IsNullOrEmpty(studyName))
        {
            throw new ArgumentException("The study name must not be empty.", nameof(studyName));
        }
    }
}
