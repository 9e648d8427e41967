namespace MLExtensions.AutoML;

/// <summary>
/// Stops a trial whose loss has stopped improving (Optuna 3.1's <c>PatientPruner</c>): when the best loss of the last
/// <c>patience + 1</c> reports is worse than the best of the earlier ones by more than <c>minDelta</c>, the trial is stopped, or,
/// with a wrapped pruner, handed to that pruner to decide. NaN losses are ignored in both minima.
/// </summary>
public sealed class PatientPruner : IPruner
{
    private readonly IPruner? _wrapped;
    private readonly int _patience;
    private readonly double _minDelta;

    /// <summary>A patient pruner.</summary>
    /// <param name="wrapped">The pruner that decides once patience has run out; <see langword="null"/> stops the trial then.</param>
    /// <param name="patience">How many reports without improvement are tolerated; at least 0.</param>
    /// <param name="minDelta">How much worse the recent best may be before the trial counts as stalled; at least 0. Default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> or <paramref name="minDelta"/> is out of range.</exception>
    public PatientPruner(IPruner? wrapped, int patience, double minDelta = 0)
    {
        if (patience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"{nameof(PatientPruner)}: patience must be at least 0.");
        }

        if (!(minDelta >= 0) || double.IsInfinity(minDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, $"{nameof(PatientPruner)}: minDelta must be a finite number of at least 0.");
        }

        _wrapped = wrapped;
        _patience = patience;
        _minDelta = minDelta;
    }

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
    {
        PrunerHistory.CheckArguments(step, history);
        var own = PrunerHistory.WithCurrent(history, trialId, step, loss);
        if (own.Count <= _patience + 1)
        {
            return false;
        }

        double before = PrunerHistory.NanMin(own.Take(own.Count - _patience - 1).Select(p => p.Loss));
        double after = PrunerHistory.NanMin(own.Skip(own.Count - _patience - 1).Select(p => p.Loss));
        bool stalled = before + _minDelta < after;   // false when either is NaN, as numpy's comparison
        return stalled && (_wrapped?.ShouldPrune(trialId, step, loss, history) ?? true);
    }
}
