namespace MLExtensions.AutoML;

/// <summary>
/// The trial running on the current asynchronous flow, for sweepable-estimator factories that build our trainers: pass
/// <see cref="TrainingProgress"/> as the trainer's <c>progress</c> so its per-epoch validation loss reaches the trial's
/// reporter and the pruner. Each trial (also parallel ones) has its own flow; outside a trial everything is null.
/// </summary>
public static class TrialScope
{
    private static readonly AsyncLocal<Entry?> CurrentEntry = new();

    private sealed record Entry(TrialSettings Settings, bool IsMaximize, CancellationToken CancellationToken);

    /// <summary>The current trial's settings; null outside a trial.</summary>
    public static TrialSettings? Current => CurrentEntry.Value?.Settings;

    /// <summary>The current trial's <see cref="TrialSettings.NumberOfThreads"/>; null outside a trial or when the trial leaves the
    /// trainers' own setting.</summary>
    public static int? NumberOfThreads => CurrentEntry.Value?.Settings.NumberOfThreads;

    /// <summary>The current trial's cancellation token (time limit, budget end, pruning); none outside a trial.</summary>
    public static CancellationToken CancellationToken => CurrentEntry.Value?.CancellationToken ?? CancellationToken.None;

    /// <summary>
    /// A progress sink feeding the current trial's reporter (<see cref="TrainingProgressReporter"/>) that also stops the
    /// trainer, by throwing <see cref="OperationCanceledException"/> after the report, once the trial's token is cancelled;
    /// null outside a trial.
    /// </summary>
    public static IProgress<TrainingProgress>? TrainingProgress =>
        CurrentEntry.Value is { Settings.Reporter: { } reporter } entry
            ? new TrainingProgressReporter(reporter, entry.IsMaximize, cancellationToken: entry.CancellationToken)
            : null;

    /// <summary>Makes <paramref name="settings"/> the current trial until the returned scope is disposed.</summary>
    internal static IDisposable Enter(TrialSettings settings, bool isMaximize, CancellationToken cancellationToken)
    {
        var previous = CurrentEntry.Value;
        CurrentEntry.Value = new Entry(settings, isMaximize, cancellationToken);
        return new Exit(previous);
    }

    private sealed class Exit(Entry? previous) : IDisposable
    {
        public void Dispose() => CurrentEntry.Value = previous;
    }
}
