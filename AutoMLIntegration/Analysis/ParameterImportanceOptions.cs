namespace MLExtensions.AutoML;

/// <summary>Options of <see cref="AutoMLExperimentResult.GetParameterImportances"/>; the defaults are Optuna's.</summary>
public sealed class ParameterImportanceOptions
{
    /// <summary>Trees of the random forest fitted to the trials. Default 64; at least 1.</summary>
    public int NumberOfTrees { get; set; } = 64;

    /// <summary>The depth limit of each tree. Default 64; at least 1.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Seeds the forest's bootstrap samples (an instance-owned generator). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Which complete trials to use (null: all). A one-of's branch coordinates are evaluated only when every trial used has
    /// that branch, so pass e.g. <c>t =&gt; t.TrialSettings.Parameter["Optimizer"]["Kind"].AsType&lt;string&gt;() == "adamw"</c> to
    /// rank AdamW's own hyperparameters.
    /// </summary>
    public Func<TrialResult, bool>? TrialFilter { get; set; }

    /// <summary>
    /// The value whose variation is explained (null: the trial's metric), as Optuna's <c>target</c>: e.g.
    /// <c>t =&gt; t.DurationInMilliseconds</c> ranks what drives the trials' time. Trials where it is not finite are left out.
    /// </summary>
    public Func<TrialResult, double>? Target { get; set; }

    internal void Validate()
    {
        if (NumberOfTrees < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfTrees), NumberOfTrees, "NumberOfTrees must be at least 1.");
        if (MaxDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "MaxDepth must be at least 1.");
    }
}
