namespace MLExtensions.AutoML;

/// <summary>
/// Feeds a trial's <see cref="ITrialReporter"/> from our trainers' per-epoch (neural networks) or per-step (GBNN)
/// <see cref="TrainingProgress"/>: each epoch or step report sends <c>Report(epoch, value)</c> (reports inside an epoch are only passed on), where the value is the validation loss
/// (the training loss without validation data), or what <c>select</c> picks. Losses are smaller-is-better while the
/// reporter expects the experiment's metric direction, so with <c>isMaximize</c> the loss is sent negated.
/// When the pruner says stop, the experiment cancels the trial's token: a trainer fitted with <c>Fit(data, token)</c>
/// stops at its next batch; inside an estimator chain (where <c>Fit</c> gets no token) this sink stops it by throwing
/// <see cref="OperationCanceledException"/> after the epoch's report when <c>cancellationToken</c> is cancelled.
/// </summary>
public sealed class TrainingProgressReporter : IProgress<TrainingProgress>
{
    private readonly ITrialReporter _reporter;
    private readonly bool _isMaximize;
    private readonly Func<TrainingProgress, double> _select;
    private readonly IProgress<TrainingProgress>? _next;
    private readonly CancellationToken _cancellationToken;

    /// <summary>A progress sink reporting to <paramref name="reporter"/>, then passing each report on to <paramref name="next"/>.</summary>
    /// <param name="reporter">The trial's reporter (<see cref="TrialSettings.Reporter"/>).</param>
    /// <param name="isMaximize">Whether the experiment maximizes its metric (the loss is then reported negated).</param>
    /// <param name="select">The smaller-is-better value to report; default validation loss, else training loss.</param>
    /// <param name="next">Another sink (a log) that receives every report too.</param>
    /// <param name="cancellationToken">The trial's token (<see cref="TrialScope.CancellationToken"/>): once cancelled, each report throws after reporting.</param>
    public TrainingProgressReporter(ITrialReporter reporter, bool isMaximize, Func<TrainingProgress, double>? select = null,
        IProgress<TrainingProgress>? next = null, CancellationToken cancellationToken = default)
    {
        _cancellationToken = cancellationToken;
        _reporter = reporter ?? throw new ArgumentNullException(nameof(reporter));
        _isMaximize = isMaximize;
        _select = select ?? (p => p.ValidationLoss ?? p.TrainingLoss);
        _next = next;
    }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        if (value.Kind == TrainingProgressKind.Batch)
        {
            // Reports inside an epoch (ProgressBatchInterval) have no validation loss and repeat the epoch's step: they go
            // to the next sink only, and stop a cancelled trial at the next batch rather than the epoch's end.
            _next?.Report(value);
            _cancellationToken.ThrowIfCancellationRequested();
            return;
        }

        double loss = _select(value);
        _reporter.Report(value.Epoch, _isMaximize ? -loss : loss);
        _next?.Report(value);
        _cancellationToken.ThrowIfCancellationRequested();
    }
}
