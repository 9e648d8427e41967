using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// Runs one trial: fits with <see cref="TrialSettings.Parameter"/> and returns its model and metric (ML.NET's contract).
/// The experiment creates one runner per trial (with the trial's own <see cref="MLContext"/>), fills in the loss, state,
/// duration and intermediate values, and disposes it. A runner should stop when the token is cancelled (time limit,
/// budget end, pruning) by throwing <see cref="OperationCanceledException"/>.
/// </summary>
public interface ITrialRunner : IDisposable
{
    /// <summary>Fits and evaluates the trial; the result needs only <see cref="TrialResult.Metric"/> and, optionally, <see cref="TrialResult.Model"/>.</summary>
    Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken);
}
