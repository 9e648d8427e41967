namespace MLExtensions.AutoML;

/// <summary>
/// Where an experiment keeps its trials, and what coordinates several workers (threads, processes or machines) sharing one
/// study: trial ids are allocated and trials claimed atomically, so no trial runs twice and none is lost; a trial whose
/// worker stopped sending heartbeats can be reclaimed. In memory by default; SQLite and PostgreSQL implementations share
/// a study across processes and machines.
/// </summary>
public interface ITrialStorage : IDisposable
{
    /// <summary>Creates study <paramref name="studyName"/>, or checks that an existing one has the same metric direction.</summary>
    Task CreateOrOpenStudyAsync(string studyName, bool isMaximize, CancellationToken cancellationToken = default);

    /// <summary>Adds a waiting trial with <paramref name="parameterJson"/> to the study and returns its new id.</summary>
    Task<int> EnqueueAsync(string studyName, string parameterJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically claims the oldest waiting trial for <paramref name="workerId"/> (its state becomes Running); null when none
    /// is waiting.
    /// </summary>
    Task<StoredTrial?> ClaimAsync(string studyName, string workerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically runs <paramref name="propose"/> on the study's current trials and stores the parameter it returns as a new
    /// trial already claimed by <paramref name="workerId"/>: the way a worker asks its tuner for the next trial without
    /// another worker proposing from the same history at the same time. Returns null when <paramref name="propose"/> does.
    /// </summary>
    Task<StoredTrial?> ProposeAndClaimAsync(string studyName, string workerId, Func<IReadOnlyList<StoredTrial>, int, string?> propose,
        CancellationToken cancellationToken = default);

    /// <summary>Records an intermediate value of a running trial.</summary>
    Task ReportAsync(string studyName, int trialId, int step, double value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an intermediate value of a trial only while <paramref name="workerId"/> still holds its claim, so a worker
    /// whose trial was reclaimed cannot write into the rerun. The default ignores the worker (for storages without claims).
    /// </summary>
    Task ReportAsync(string studyName, int trialId, string workerId, int step, double value, CancellationToken cancellationToken = default) =>
        ReportAsync(studyName, trialId, step, value, cancellationToken);

    /// <summary>Refreshes the heartbeat of a running trial claimed by <paramref name="workerId"/>.</summary>
    Task HeartbeatAsync(string studyName, int trialId, string workerId, CancellationToken cancellationToken = default);

    /// <summary>Ends a running trial with its final state, metric, loss, error and duration.</summary>
    Task FinishAsync(string studyName, int trialId, TrialState state, double? metric, double? loss, string? error,
        double durationInMilliseconds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a running trial only while <paramref name="workerId"/> still holds its claim, so a worker whose trial was
    /// reclaimed cannot end the rerun. The default ignores the worker (for storages without claims).
    /// </summary>
    Task FinishAsync(string studyName, int trialId, string workerId, TrialState state, double? metric, double? loss, string? error,
        double durationInMilliseconds, CancellationToken cancellationToken = default) =>
        FinishAsync(studyName, trialId, state, metric, loss, error, durationInMilliseconds, cancellationToken);

    /// <summary>Returns running trials whose heartbeat is older than <paramref name="staleAfter"/> to the waiting queue; returns how many.</summary>
    Task<int> ReclaimStaleAsync(string studyName, TimeSpan staleAfter, CancellationToken cancellationToken = default);

    /// <summary>Every trial of the study, in id order.</summary>
    Task<IReadOnlyList<StoredTrial>> GetTrialsAsync(string studyName, CancellationToken cancellationToken = default);
}
