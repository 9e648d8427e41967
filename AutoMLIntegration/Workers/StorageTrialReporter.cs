namespace MLExtensions.AutoML;

/// <summary>
/// The reporter of a trial run by a <see cref="TrialWorker"/>: each value goes to the storage at once (so other workers'
/// pruners see it), then the pruner, if any, decides from the whole study's stored values.
/// </summary>
internal sealed class StorageTrialReporter : ITrialReporter
{
    private readonly ITrialStorage _storage;
    private readonly string _studyName;
    private readonly int _trialId;
    private readonly string _workerId;
    private readonly bool _isMaximize;
    private readonly IPruner? _pruner;
    private readonly CancellationToken _cancellationToken;

    public StorageTrialReporter(ITrialStorage storage, string studyName, int trialId, string workerId, bool isMaximize, IPruner? pruner,
        CancellationToken cancellationToken)
    {
        _storage = storage;
        _studyName = studyName;
        _trialId = trialId;
        _workerId = workerId;
        _isMaximize = isMaximize;
        _pruner = pruner;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Whether the pruner asked the trial to stop.</summary>
    public bool PruneRequested { get; private set; }

    /// <summary>The last reported value; NaN before the first.</summary>
    public double LastValue { get; private set; } = double.NaN;

    public void Report(int step, double value)
    {
        // Trials report from their own (synchronous) training loops; the worker loop has no synchronization context.
        _storage.ReportAsync(_studyName, _trialId, _workerId, step, value, _cancellationToken).GetAwaiter().GetResult();
        LastValue = value;
        if (_pruner is not null && !PruneRequested)
        {
            var trials = _storage.GetTrialsAsync(_studyName, _cancellationToken).GetAwaiter().GetResult();
            var loss = _isMaximize ? -value : value;
            PruneRequested = _pruner.ShouldPrune(_trialId, step, loss, new StoredTrialHistory(trials, _isMaximize));
        }
    }

    public bool ShouldPrune() => PruneRequested;
}
