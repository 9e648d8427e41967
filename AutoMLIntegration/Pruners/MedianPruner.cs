namespace MLExtensions.AutoML;

/// <summary>
/// Stops a trial whose best loss so far is worse than the median of the complete trials' losses at the same step (Optuna
/// 3.1's <c>MedianPruner</c>: a 50th-percentile pruner with linear interpolation, NaN values ignored; see
/// <see cref="PercentilePruner"/> for other percentiles).
/// </summary>
public sealed class MedianPruner : IPruner
{
    private readonly PercentilePruner _rule;

    /// <summary>Options of <see cref="MedianPruner"/> and <see cref="PercentilePruner"/>; the defaults are Optuna's.</summary>
    public sealed class Options
    {
        /// <summary>No trial is pruned until this many trials are complete. Default 5; at least 0.</summary>
        public int StartupTrials { get; set; } = 5;

        /// <summary>No trial is pruned before this step. Default 0; at least 0.</summary>
        public int WarmupSteps { get; set; }

        /// <summary>Pruning is checked once per interval of this many steps after the warm-up. Default 1; at least 1.</summary>
        public int IntervalSteps { get; set; } = 1;

        /// <summary>At least this many complete trials must have reported the step for it to be compared. Default 1; at least 1.</summary>
        public int MinTrials { get; set; } = 1;
    }

    /// <summary>A median pruner with <paramref name="options"/> (Optuna's defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public MedianPruner(Options? options = null) => _rule = new PercentilePruner(50, options);

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history) => _rule.ShouldPrune(trialId, step, loss, history);

    // numpy.nanpercentile(values, 50) with linear interpolation.
    internal static double NanMedian(IEnumerable<double> values) => PercentilePruner.NanPercentile(values, 50);
}
