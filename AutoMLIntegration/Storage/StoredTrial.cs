namespace MLExtensions.AutoML;

/// <summary>A trial as a trial storage keeps it: everything needed to resume a study, show its history or reclaim it.</summary>
public sealed record StoredTrial
{
    /// <summary>The trial's id within its study (0-based, allocated by the storage, never reused).</summary>
    public required int TrialId { get; init; }

    /// <summary>The trial's parameter as JSON (<see cref="Parameter"/>'s exact serialization).</summary>
    public required string ParameterJson { get; init; }

    /// <summary>The trial's state.</summary>
    public required TrialState State { get; init; }

    /// <summary>The metric in its own direction; null until the trial completes.</summary>
    public double? Metric { get; init; }

    /// <summary>The minimized value (<c>-Metric</c> when maximizing); null until the trial completes.</summary>
    public double? Loss { get; init; }

    /// <summary>The intermediate values reported so far, in step order (metric units, not negated).</summary>
    public IReadOnlyList<(int Step, double Value)> IntermediateValues { get; init; } = [];

    /// <summary>The worker that claimed the trial; null while waiting.</summary>
    public string? WorkerId { get; init; }

    /// <summary>When the trial was claimed (UTC).</summary>
    public DateTime? StartedAtUtc { get; init; }

    /// <summary>When the trial ended (UTC).</summary>
    public DateTime? EndedAtUtc { get; init; }

    /// <summary>The last heartbeat of the claiming worker (UTC).</summary>
    public DateTime? HeartbeatUtc { get; init; }

    /// <summary>The exception message of a failed trial.</summary>
    public string? Error { get; init; }

    /// <summary>Wall-clock duration in milliseconds, once ended.</summary>
    public double? DurationInMilliseconds { get; init; }
}
