namespace MLExtensions.AutoML;

/// <summary>
/// Proposes the next trial's parameter from the results so far (ML.NET's tuner contract). Tuners minimize
/// <see cref="TrialResult.Loss"/>, see only the active branch of one-of options, and learn from every finished trial,
/// including pruned and failed ones (a failed trial counts as a bad point, never as a good one).
/// </summary>
public interface ITuner
{
    /// <summary>The parameter for the trial described by <paramref name="settings"/> (its <c>Parameter</c> is not yet set).</summary>
    Parameter Propose(TrialSettings settings);

    /// <summary>Tells the tuner how a trial ended.</summary>
    void Update(TrialResult result);
}
