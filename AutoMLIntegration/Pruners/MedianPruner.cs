namespace MLExtensions.AutoML;

/// <summary>
/// Stops a trial whose best loss so far is worse than the median of the complete trials' losses at the same step (Optuna
/// 3.1's <c>MedianPruner</c>: a 50th-percentile pruner with linear interpolation, NaN values ignored).
/// </summary>
public sealed class MedianPruner : IPruner
{
    private readonly Options _options;

    /// <summary>Options of <see cref="MedianPruner"/>; the defaults are Optuna's.</summary>
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
    public MedianPruner(Options? options = null)
    {
        options ??= new Options();
        Check(options.StartupTrials, 0, nameof(Options.StartupTrials));
        Check(options.WarmupSteps, 0, nameof(Options.WarmupSteps));
        Check(options.IntervalSteps, 1, nameof(Options.IntervalSteps));
        Check(options.MinTrials, 1, nameof(Options.MinTrials));
        _options = new Options
        {
            StartupTrials = options.StartupTrials,
            WarmupSteps = options.WarmupSteps,
            IntervalSteps = options.IntervalSteps,
            MinTrials = options.MinTrials,
        };
    }

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
        if (!IsFirstStepOfInterval(step, own))
        {
            return false;
        }

        double best = own.Select(p => p.Loss).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();
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

        double median = NanMedian(atStep);
        return !double.IsNaN(median) && best > median;
    }

    // Optuna's rule: the step is checked iff no earlier report of the trial falls in the same interval.
    private bool IsFirstStepOfInterval(int step, List<(int Step, double Loss)> own)
    {
        int nearestLowerPruningStep = (step - _options.WarmupSteps) / _options.IntervalSteps * _options.IntervalSteps + _options.WarmupSteps;
        int secondLast = own.Where(p => p.Step != step).Select(p => p.Step).DefaultIfEmpty(-1).Max();
        return secondLast < nearestLowerPruningStep;
    }

    // numpy.nanpercentile(values, 50) with linear interpolation.
    internal static double NanMedian(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double rank = 0.5 * (sorted.Length - 1);
        int lower = (int)Math.Floor(rank);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        double t = rank - lower, a = sorted[lower], b = sorted[upper];
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;   // numpy's lerp, the same rounding
    }

    private static void Check(int value, int min, string name)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{nameof(MedianPruner)}.{nameof(Options)}.{name} must be at least {min}.");
        }
    }
}
