namespace MLExtensions.AutoML;

/// <summary>Conversions of stored trials to what tuners and pruners consume.</summary>
public static class StoredTrialExtensions
{
    /// <summary>
    /// The <see cref="TrialResult"/> of a stored trial, as a tuner's <see cref="ITuner.Update"/> takes it when a study is
    /// resumed or shared: metric and loss NaN when absent, the stored error as the exception message, no model.
    /// </summary>
    /// <exception cref="ArgumentException">The stored parameter is not Parameter JSON.</exception>
    public static TrialResult ToTrialResult(this StoredTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new TrialResult
        {
            TrialSettings = new TrialSettings
            {
                TrialId = trial.TrialId,
                Parameter = Parameter.FromJson(trial.ParameterJson),
                StartedAtUtc = trial.StartedAtUtc ?? default,
                EndedAtUtc = trial.EndedAtUtc,
            },
            Metric = trial.Metric ?? double.NaN,
            Loss = trial.Loss ?? double.NaN,
            DurationInMilliseconds = trial.DurationInMilliseconds ?? 0,
            State = trial.State,
            IntermediateValues = trial.IntermediateValues,
            Exception = trial.Error is null ? null : new StoredTrialException(trial.TrialId, trial.Error),
        };
    }

    /// <summary>Whether a tuner learns from a trial in <paramref name="state"/>: every ended trial except a cancelled one.</summary>
    public static bool IsTunerEvidence(this TrialState state) =>
        state is TrialState.Complete or TrialState.Pruned or TrialState.Failed or TrialState.TimedOut;
}
