using System.Diagnostics;

namespace MLExtensions.AutoML;

/// <summary>
/// Runs a study's trials from a shared <see cref="ITrialStorage"/>, side by side with other workers in this process, in
/// other processes or on other machines: the storage is the coordinator, there is no scheduler. Each round the worker
/// reclaims trials whose heartbeat went stale, claims the oldest waiting trial or, with a tuner, proposes a new one
/// atomically from the study's whole history (replaying every ended trial into the tuner first, so a resumed or shared
/// study continues the same search), runs it while refreshing its heartbeat, and records how it ended.
/// </summary>
public sealed class TrialWorker
{
    private readonly ITrialStorage _storage;
    private readonly string _studyName;
    private readonly bool _isMaximize;
    private readonly TrialWorkerOptions _options;

    /// <summary>Creates a worker of study <paramref name="studyName"/> in <paramref name="storage"/>.</summary>
    /// <param name="storage">The shared storage.</param>
    /// <param name="studyName">The study; created if missing.</param>
    /// <param name="isMaximize">Whether the study's metric is maximized (the loss is then its negation).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentException">The study name is not allowed, or an option is out of range.</exception>
    public TrialWorker(ITrialStorage storage, string studyName, bool isMaximize, TrialWorkerOptions? options = null)
    {
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        StudyNames.Check(studyName);
        _studyName = studyName;
        _isMaximize = isMaximize;
        _options = options ?? new TrialWorkerOptions();
        _options.Check();
        WorkerId = _options.WorkerId ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>The id this worker claims trials under.</summary>
    public string WorkerId { get; }

    /// <summary>
    /// Runs trials until the budget is spent (<see cref="TrialWorkerOptions.MaxTrials"/>) or, without a tuner, no trial
    /// waits; then, by default, until the trials other workers still run have ended.
    /// </summary>
    /// <param name="runTrial">
    /// Trains and evaluates one trial, returning its metric; it reports intermediate values to
    /// <see cref="TrialSettings.Reporter"/> and should stop (returning its current metric) when
    /// <see cref="ITrialReporter.ShouldPrune"/> says so. It must honour the token: it is cancelled when the worker is
    /// cancelled or loses the trial's claim. An exception fails the trial, not the worker.
    /// </param>
    /// <param name="tuner">Proposes new trials; null to only claim trials others enqueued.</param>
    /// <param name="cancellationToken">Stops the worker; a running trial ends as Cancelled.</param>
    /// <returns>The trials this worker ended, in the order it ended them.</returns>
    public async Task<IReadOnlyList<TrialResult>> RunAsync(Func<TrialSettings, CancellationToken, Task<double>> runTrial,
        ITuner? tuner = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runTrial);
        await _storage.CreateOrOpenStudyAsync(_studyName, _isMaximize, cancellationToken).ConfigureAwait(false);
        var proposer = tuner is null ? null : new HistoryProposer(tuner, _options.MaxTrials);
        var results = new List<TrialResult>();
        var slots = Enumerable.Range(0, _options.ParallelTrials)
            .Select(slot => RunSlotAsync(_options.ParallelTrials == 1 ? WorkerId : $"{WorkerId}/{slot}", runTrial, proposer, results,
                cancellationToken))
            .ToArray();
        await Task.WhenAll(slots).ConfigureAwait(false);
        lock (results)
        {
            return results.ToArray();
        }
    }

    private async Task RunSlotAsync(string workerId, Func<TrialSettings, CancellationToken, Task<double>> runTrial,
        HistoryProposer? proposer, List<TrialResult> results, CancellationToken cancellationToken)
    {
        try
        {
            await RunSlotLoopAsync(workerId, runTrial, proposer, results, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the trial in flight, if any, was recorded as Cancelled.
        }
    }

    private async Task RunSlotLoopAsync(string workerId, Func<TrialSettings, CancellationToken, Task<double>> runTrial,
        HistoryProposer? proposer, List<TrialResult> results, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _storage.ReclaimStaleAsync(_studyName, _options.EffectiveStaleAfter, cancellationToken).ConfigureAwait(false);
            var trial = await _storage.ClaimAsync(_studyName, workerId, cancellationToken).ConfigureAwait(false);
            if (trial is null && proposer is not null)
            {
                trial = await _storage.ProposeAndClaimAsync(_studyName, workerId, proposer.Propose, cancellationToken).ConfigureAwait(false);
            }

            if (trial is null)
            {
                if (!_options.WaitForRunningTrials)
                {
                    return;
                }

                var trials = await _storage.GetTrialsAsync(_studyName, cancellationToken).ConfigureAwait(false);
                if (!trials.Any(t => t.State is TrialState.Waiting or TrialState.Running))
                {
                    return;
                }

                // Another worker still runs a trial: wait, then reclaim it if that worker died.
                await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var result = await RunTrialAsync(trial, workerId, runTrial, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                lock (results)
                {
                    results.Add(result);
                }
            }
        }
    }

    private async Task<TrialResult?> RunTrialAsync(StoredTrial trial, string workerId,
        Func<TrialSettings, CancellationToken, Task<double>> runTrial, CancellationToken cancellationToken)
    {
        using var trialCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = new StorageTrialReporter(_storage, _studyName, trial.TrialId, workerId, _isMaximize, _options.Pruner, trialCancellation.Token);
        var settings = new TrialSettings
        {
            TrialId = trial.TrialId,
            Parameter = Parameter.FromJson(trial.ParameterJson),
            StartedAtUtc = trial.StartedAtUtc ?? DateTime.UtcNow,
            Reporter = reporter,
            NumberOfThreads = _options.NumberOfThreads ?? AutoMLExperiment.ThreadsPerTrial(_options.ParallelTrials),
        };

        var claimLost = false;
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(_options.HeartbeatInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(heartbeatStop.Token).ConfigureAwait(false))
                {
                    try
                    {
                        await _storage.HeartbeatAsync(_studyName, trial.TrialId, workerId, heartbeatStop.Token).ConfigureAwait(false);
                    }
                    catch (TrialClaimLostException)
                    {
                        claimLost = true;
                        await trialCancellation.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A transient database error: the next tick tries again; staleness allows for missed beats.
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        var stopwatch = Stopwatch.StartNew();
        var resources = TrialResourceMonitor.Start(trial.TrialId, _options.PerformanceCheckInterval, _options.MaximumMemoryUsageInMegaByte, trialCancellation);
        double metric = double.NaN;
        TrialState state;
        Exception? exception = null;
        try
        {
            metric = await runTrial(settings, trialCancellation.Token).ConfigureAwait(false);
            state = reporter.PruneRequested ? TrialState.Pruned : TrialState.Complete;
            if (double.IsNaN(metric) && state == TrialState.Complete)
            {
                state = TrialState.Failed;
                exception = new InvalidOperationException($"Trial {trial.TrialId} returned a NaN metric.");
            }
        }
        catch (TrialClaimLostException)
        {
            claimLost = true;
            state = TrialState.Cancelled;
        }
        catch (OperationCanceledException) when (trialCancellation.IsCancellationRequested)
        {
            (state, exception) = resources.MemoryLimitException is { } memory ? (TrialState.Failed, memory) : (TrialState.Cancelled, null);
        }
        catch (Exception e)
        {
            state = TrialState.Failed;
            exception = resources.MemoryLimitException ?? e;
        }
        finally
        {
            await resources.DisposeAsync().ConfigureAwait(false);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        stopwatch.Stop();
        settings.EndedAtUtc = DateTime.UtcNow;
        if (claimLost)
        {
            return null;    // another worker owns (or already ended) the trial now
        }

        double? stored = state is TrialState.Complete or TrialState.Pruned ? metric : null;
        try
        {
            await _storage.FinishAsync(_studyName, trial.TrialId, workerId, state, stored, stored is { } m ? (_isMaximize ? -m : m) : null,
                exception?.Message, stopwatch.Elapsed.TotalMilliseconds, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TrialClaimLostException)
        {
            return null;    // reclaimed between the last heartbeat and now
        }

        return new TrialResult
        {
            TrialSettings = settings,
            Metric = stored ?? double.NaN,
            Loss = stored is { } v ? (_isMaximize ? -v : v) : double.NaN,
            DurationInMilliseconds = stopwatch.Elapsed.TotalMilliseconds,
            State = state,
            Exception = exception,
            PeakCpu = resources.PeakCpu,
            PeakMemoryInMegaByte = resources.PeakMemoryInMegaByte,
        };
    }

    /// <summary>Feeds the tuner every ended trial it has not seen (in id order), then asks it for the next one.</summary>
    private sealed class HistoryProposer
    {
        private readonly ITuner _tuner;
        private readonly int? _maxTrials;
        private readonly HashSet<int> _seen = [];
        private readonly object _gate = new();

        public HistoryProposer(ITuner tuner, int? maxTrials)
        {
            _tuner = tuner;
            _maxTrials = maxTrials;
        }

        public string? Propose(IReadOnlyList<StoredTrial> history, int trialId)
        {
            if (history.Count >= _maxTrials)
            {
                return null;
            }

            lock (_gate)
            {
                foreach (var trial in history)
                {
                    if (trial.State.IsTunerEvidence() && _seen.Add(trial.TrialId))
                    {
                        _tuner.Update(trial.ToTrialResult());
                    }
                }

                return _tuner.Propose(new TrialSettings { TrialId = trialId, Parameter = Parameter.CreateNestedParameter() }).ToJson();
            }
        }
    }
}
