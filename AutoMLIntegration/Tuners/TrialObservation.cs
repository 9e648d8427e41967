namespace MLExtensions.AutoML;

/// <summary>A finished trial as the tuners see it: its feature point (NaN for inactive dimensions) and its outcome.</summary>
internal sealed record TrialObservation(int TrialId, double[] Point, TrialState State, double Loss, double Metric, double DurationInMilliseconds, IReadOnlyList<(int Step, double Value)> IntermediateValues)
{
    /// <summary>Whether the trial ended well enough to be ranked by its loss (complete with a finite loss).</summary>
    public bool IsComplete => State == TrialState.Complete && double.IsFinite(Loss);

    /// <summary>Whether the trial counts as a bad point only: failed, timed out, or complete without a finite loss.</summary>
    public bool IsBad => State is TrialState.Failed or TrialState.TimedOut || (State == TrialState.Complete && !double.IsFinite(Loss));

    /// <summary>Builds the observation of <paramref name="result"/> in <paramref name="searchSpace"/>'s feature coordinates.</summary>
    public static TrialObservation From(SearchSpace searchSpace, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.TrialSettings?.Parameter is null)
        {
            throw new ArgumentException("TrialResult.TrialSettings.Parameter is null; the tuner needs the trial's parameter.", nameof(result));
        }

        double[] point = searchSpace.MappingToFeatureSpace(result.TrialSettings.Parameter);
        return new TrialObservation(result.TrialSettings.TrialId, point, result.State, result.Loss, result.Metric, result.DurationInMilliseconds, result.IntermediateValues ?? []);
    }
}
