namespace MLExtensions.AutoML;

/// <summary>Options of a <see cref="TrialWorker"/>.</summary>
public sealed class TrialWorkerOptions
{
    /// <summary>The defaults.</summary>
    public static class Defaults
    {
        /// <summary>How often a running trial's heartbeat is refreshed: 10 s.</summary>
        public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

        /// <summary>How long the worker waits before looking again when other workers still run the last trials: 1 s.</summary>
        public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

        /// <summary>Trials run at once by one worker: 1.</summary>
        public const int ParallelTrials = 1;

        /// <summary>How often the process is sampled for the trials' peak memory and CPU and the memory limit: 1 s.</summary>
        public static readonly TimeSpan PerformanceCheckInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>
    /// The id the worker claims trials under; null (default) for <c>machine:process:random</c>, unique per worker. With
    /// <see cref="ParallelTrials"/> &gt; 1 each slot appends <c>/slot</c>.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// The study's trial budget: proposals stop once the study holds this many trials (of any state, every worker's). Null
    /// (default): no limit; the worker then runs until cancelled when it has a tuner, or until no trial waits when it has none.
    /// </summary>
    public int? MaxTrials { get; set; }

    /// <summary>How often a running trial's heartbeat is refreshed. Default <see cref="Defaults.HeartbeatInterval"/>; must be positive.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = Defaults.HeartbeatInterval;

    /// <summary>
    /// How old another worker's heartbeat must be for its trial to be reclaimed (put back in the queue and run again). Null
    /// (default): twice <see cref="HeartbeatInterval"/>; must exceed <see cref="HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan? StaleAfter { get; set; }

    /// <summary>How long the worker waits before looking again while other workers run the last trials. Default <see cref="Defaults.PollInterval"/>; must be positive.</summary>
    public TimeSpan PollInterval { get; set; } = Defaults.PollInterval;

    /// <summary>Trials this worker runs at once (each in its own slot). Default <see cref="Defaults.ParallelTrials"/>; at least 1.</summary>
    public int ParallelTrials { get; set; } = Defaults.ParallelTrials;

    /// <summary>
    /// Whether the worker, once there is nothing left to claim or propose, waits for the trials other workers still run
    /// (reclaiming and rerunning those whose heartbeat goes stale) instead of returning at once. Default true, so a study
    /// never ends with a dead worker's trial left running.
    /// </summary>
    public bool WaitForRunningTrials { get; set; } = true;

    /// <summary>
    /// TorchSharp CPU threads for each trial's neural trainers (<see cref="TrialScope.NumberOfThreads"/>). Null (default): ⌊processor count
    /// / <see cref="ParallelTrials"/>⌋ when <see cref="ParallelTrials"/> &gt; 1, else the trainers' own setting. Several workers on one
    /// machine should split its cores (e.g. 1 each for as many workers as cores); when set, at least 1.
    /// </summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>
    /// Stops a trial while the worker process's working set is above this many MiB, as
    /// <see cref="AutoMLExperiment.SetMaximumMemoryUsageInMegaByte"/> does: the trial is stored Failed with the working set
    /// and the limit in its error. Null (default): no limit; when set, positive and finite.
    /// </summary>
    public double? MaximumMemoryUsageInMegaByte { get; set; }

    /// <summary>How often the process is sampled while a trial runs. Default <see cref="Defaults.PerformanceCheckInterval"/>; at least 10 ms.</summary>
    public TimeSpan PerformanceCheckInterval { get; set; } = Defaults.PerformanceCheckInterval;

    /// <summary>Decides from the stored intermediate values whether a trial stops early; null (default) for none.</summary>
    public IPruner? Pruner { get; set; }

    internal TimeSpan EffectiveStaleAfter => StaleAfter ?? 2 * HeartbeatInterval;

    internal void Check()
    {
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "TrialWorkerOptions.HeartbeatInterval must be positive.");
        }

        if (EffectiveStaleAfter <= HeartbeatInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(StaleAfter), EffectiveStaleAfter,
                $"TrialWorkerOptions.StaleAfter must exceed HeartbeatInterval ({HeartbeatInterval}), or live trials get reclaimed.");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "TrialWorkerOptions.PollInterval must be positive.");
        }

        if (ParallelTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ParallelTrials), ParallelTrials, "TrialWorkerOptions.ParallelTrials must be at least 1.");
        }

        if (NumberOfThreads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), NumberOfThreads, "TrialWorkerOptions.NumberOfThreads must be at least 1 or null.");
        }

        if (MaximumMemoryUsageInMegaByte is { } memory && (!(memory > 0) || !double.IsFinite(memory)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumMemoryUsageInMegaByte), memory,
                "TrialWorkerOptions.MaximumMemoryUsageInMegaByte must be a positive, finite number of MiB, or null.");
        }

        if (PerformanceCheckInterval < TimeSpan.FromMilliseconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(PerformanceCheckInterval), PerformanceCheckInterval,
                "TrialWorkerOptions.PerformanceCheckInterval must be at least 10 ms.");
        }

        if (MaxTrials is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTrials), MaxTrials, "TrialWorkerOptions.MaxTrials must be ≥ 0 or null.");
        }

        if (WorkerId is { } id && string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("TrialWorkerOptions.WorkerId must not be blank; leave it null for a generated id.", nameof(WorkerId));
        }
    }
}
