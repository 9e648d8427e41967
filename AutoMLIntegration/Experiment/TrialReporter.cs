namespace MLExtensions.AutoML;

/// <summary>
/// The experiment's <see cref="ITrialReporter"/> for one trial: records each value (metric units) in the trial, its loss
/// (negated when the metric is maximized) in the history the pruner reads, and asks the pruner after every report. Once
/// the pruner says stop, <see cref="ShouldPrune"/> stays true and the trial's cancellation token is cancelled, so
/// trainers that honour it stop at their next check.
/// </summary>
internal sealed class TrialReporter : ITrialReporter
{
    private readonly object _gate = new();
    private readonly int _trialId;
    private readonly bool _isMaximize;
    private readonly IPruner? _pruner;
    private readonly TrialHistory _history;
    private readonly Action<int, double>? _onReport;
    private readonly List<(int Step, double Value)> _values = [];
    private CancellationTokenSource? _trialCancellation;
    private bool _pruned;
    private bool _decided;

    public TrialReporter(int trialId, bool isMaximize, IPruner? pruner, TrialHistory history, Action<int, double>? onReport = null)
    {
        _trialId = trialId;
        _isMaximize = isMaximize;
        _pruner = pruner;
        _history = history;
        _onReport = onReport;
    }

    /// <summary>Whether the pruner stopped the trial.</summary>
    public bool IsPruned
    {
        get
        {
            lock (_gate)
            {
                return _pruned;
            }
        }
    }

    /// <summary>The values reported so far, in step order.</summary>
    public IReadOnlyList<(int Step, double Value)> Values
    {
        get
        {
            lock (_gate)
            {
                return _values.ToArray();
            }
        }
    }

    /// <summary>The token source cancelled when the trial is pruned.</summary>
    public void Attach(CancellationTokenSource trialCancellation) => _trialCancellation = trialCancellation;

    /// <inheritdoc/>
    public void Report(int step, double value)
    {
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Reported steps are 1-based (epochs or boosting steps).");
        }

        CancellationTokenSource? toCancel = null;
        lock (_gate)
        {
            if (_values.Count > 0 && step <= _values[^1].Step)
            {
                throw new ArgumentException($"Trial {_trialId} reported step {step} after step {_values[^1].Step}; steps must increase.", nameof(step));
            }

            _values.Add((step, value));
            double loss = _isMaximize ? -value : value;
            _history.Report(_trialId, step, loss);
            if (!_pruned && _pruner is not null && _pruner.ShouldPrune(_trialId, step, loss, _history))
            {
                _pruned = true;
                toCancel = _trialCancellation;
            }

            _decided = true;
        }

        _onReport?.Invoke(step, value);
        if (toCancel is not null)
        {
            try
            {
                toCancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the trial already ended
            }
        }
    }

    /// <inheritdoc/>
    public bool ShouldPrune()
    {
        lock (_gate)
        {
            return _decided && _pruned;
        }
    }
}
