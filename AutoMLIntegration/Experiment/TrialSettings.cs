namespace MLExtensions.AutoML;

/// <summary>One trial to run: its id, the sampled parameter and the reporter it reports intermediate values to.</summary>
public sealed class TrialSettings
{
    /// <summary>The trial's id within its experiment or study (0-based, increasing).</summary>
    public int TrialId { get; init; }

    /// <summary>The sampled parameter (the whole pipeline's, including the one-of choices).</summary>
    public required Parameter Parameter { get; init; }

    /// <summary>When the trial started (UTC).</summary>
    public DateTime StartedAtUtc { get; set; }

    /// <summary>When the trial ended (UTC); null while running.</summary>
    public DateTime? EndedAtUtc { get; set; }

    /// <summary>Where the trial reports intermediate values (the experiment always sets one; null only for settings built by hand).</summary>
    public ITrialReporter? Reporter { get; init; }

    /// <summary>
    /// TorchSharp CPU threads for the trial's neural trainers, read by the sweepables through <see cref="TrialScope.NumberOfThreads"/>.
    /// The experiment sets ⌊processor count / parallelism⌋ (at least 1) when it runs trials in parallel, so parallel trials do not
    /// oversubscribe the cores; a <see cref="TrialWorker"/> sets <see cref="TrialWorkerOptions.NumberOfThreads"/>. Null: the trainer's own
    /// setting.
    /// </summary>
    public int? NumberOfThreads { get; init; }
}
