namespace MLExtensions.AutoML;

/// <summary>The error of a failed trial read back from a trial storage (only its message survives storage).</summary>
public sealed class StoredTrialException : Exception
{
    /// <summary>Creates the exception of trial <paramref name="trialId"/> with its stored <paramref name="message"/>.</summary>
    public StoredTrialException(int trialId, string message)
        : base(message)
    {
        TrialId = trialId;
    }

    /// <summary>The failed trial.</summary>
    public int TrialId { get; }
}
