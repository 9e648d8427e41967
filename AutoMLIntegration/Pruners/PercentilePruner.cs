namespace MLExtensions.AutoML;

/// <summary>
/// Stops a trial whose best loss so far is worse than the given percentile of the complete trials' losses at the same step
/// (Optuna 3.1's <c>PercentilePruner</c> for a minimized objective: numpy's <c>nanpercentile</c> with linear interpolation, NaN
/// values ignored). A percentile of 25 keeps only trials that are in the best quarter at some checked step; 50 is
/// <see cref="MedianPruner"/>.
/// </summary>
public sealed class PercentilePruner : IPruner
{
    private readonly double _percentile;
    private readonly MedianPruner.Options _options;

    /// <summary>A pruner at <paramref name="percentile"/> with <paramref name="options"/> (Optuna's defaults when null).</summary>
    /// <param name="percentile">The percentile of the complete trials' losses a trial's best loss must not exceed; in [0, 100].</param>
    /// <param name="options">When and against how many trials to compare: the options <see cref="MedianPruner"/> has too.</param>
    /// <exception cref="ArgumentOutOfRangeException">The percentile or an option is out of range; the message names it.</exception>
    public PercentilePruner(double percentile, MedianPruner.Options? options = null)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, $"{nameof(PercentilePruner)}: the percentile must be in [0, 100].");
        }

        options ??= new MedianPruner.Options();
        const string Type = nameof(MedianPruner) + "." + nameof(MedianPruner.Options);   // the type users set, for both pruners
        PrunerHistory.RequireAtLeast(options.StartupTrials, 0, Type, nameof(MedianPruner.Options.StartupTrials));
        PrunerHistory.RequireAtLeast(options.WarmupSteps, 0, Type, nameof(MedianPruner.Options.WarmupSteps));
        PrunerHistory.RequireAtLeast(options.IntervalSteps, 1, Type, nameof(MedianPruner.Options.IntervalSteps));
        PrunerHistory.RequireAtLeast(options.MinTrials, 1, Type, nameof(MedianPruner.Options.MinTrials));
        _percentile = percentile;
        _options = new MedianPruner.Options
        {
            StartupTrials = options.StartupTrials,
            WarmupSteps = options.WarmupSteps,
            IntervalSteps = options.IntervalSteps,
            MinTrials = options.MinTrials,
        };
    }

    /// <summary>The percentile this pruner compares with.</summary>
    public double Percentile => _percentile;

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
    {
        PrunerHistory.CheckArguments(step, history);
        var completed = history.TrialIds.Where(id => id != trialId && history.GetState(id) == TrialState.Complete).ToList();
        if (completed.Count == 0 || completed.Count < _options.StartupTrials || step < _options.WarmupSteps)
        {
            return false;
        }

        var own = PrunerHistory.WithCurrent(history, trialId, step, loss);
        if (!PrunerHistory.IsFirstStepOfInterval(step, own, _options.WarmupSteps, _options.IntervalSteps))
        {
            return false;
        }

        double best = PrunerHistory.NanMin(own.Select(p => p.Loss));
        if (double.IsNaN(best))
        {
            return true;
        }

        var atStep = new List<double>();
        foreach (int id in completed)
        {
            foreach (var (s, v) in history.GetIntermediateLosses(id))
            {
                if (s == step)
                {
                    atStep.Add(v);
                }
            }
        }

        if (atStep.Count < _options.MinTrials)
        {
            return false;
        }

        double threshold = NanPercentile(atStep, _percentile);
        return !double.IsNaN(threshold) && best > threshold;
    }

    // numpy.nanpercentile(values, percentile) with linear interpolation ("linear" method), numpy's rounding.
    internal static double NanPercentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double rank = percentile / 100 * (sorted.Length - 1);
        int lower = (int)Math.Floor(rank);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        double t = rank - lower, a = sorted[lower], b = sorted[upper];
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;   // numpy's lerp, the same rounding
    }
}
