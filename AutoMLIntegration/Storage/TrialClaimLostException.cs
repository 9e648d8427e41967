namespace MLExtensions.AutoML;

/// <summary>
/// A worker touched a trial it no longer holds: the trial was reclaimed after its heartbeat went stale (and may now run
/// elsewhere) or has already ended. The worker should abandon the trial without finishing it.
/// </summary>
public sealed class TrialClaimLostException : InvalidOperationException
{
    /// <summary>Creates the exception for trial <paramref name="trialId"/> of study <paramref name="studyName"/>.</summary>
    public TrialClaimLostException(string studyName, int trialId, string message)
        : base(message)
    {
        StudyName = studyName;
        TrialId = trialId;
    }

    /// <summary>The study of the trial.</summary>
    public string StudyName { get; }

    /// <summary>The trial whose claim was lost.</summary>
    public int TrialId { get; }
}
