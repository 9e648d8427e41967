namespace MLExtensions.AutoML;

/// <summary>The state of a trial, as recorded in the trial history and the trial storage.</summary>
public enum TrialState
{
    /// <summary>Waiting in a storage queue for a worker to claim it.</summary>
    Waiting,

    /// <summary>Claimed by a worker and training.</summary>
    Running,

    /// <summary>Finished and evaluated.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; its intermediate values are kept.</summary>
    Pruned,

    /// <summary>The pipeline threw; the exception is kept.</summary>
    Failed,

    /// <summary>Stopped because the experiment was cancelled or its budget ran out while the trial was running.</summary>
    Cancelled,

    /// <summary>Stopped because it exceeded the per-trial time limit.</summary>
    TimedOut,
}
