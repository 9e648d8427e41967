namespace MLExtensions.AutoML;

/// <summary>
/// Stops a trial whose latest loss leaves a fixed band: above <see cref="Options.Upper"/>, below <see cref="Options.Lower"/>,
/// or NaN (Optuna 3.1's <c>ThresholdPruner</c>). The values are the losses the pruner sees: for a maximized metric the
/// experiment negates it first, so "stop when accuracy is under 0.6" is <c>Upper = -0.6</c>. Unlike the other pruners it needs
/// no complete trial, so it also stops a diverging first trial.
/// </summary>
public sealed class ThresholdPruner : IPruner
{
    private readonly double _lower, _upper;
    private readonly int _warmupSteps, _intervalSteps;

    /// <summary>Options of <see cref="ThresholdPruner"/>; at least one bound is required.</summary>
    public sealed class Options
    {
        /// <summary>A trial whose latest loss is below this is stopped. Default <see langword="null"/>: no lower bound.</summary>
        public double? Lower { get; set; }

        /// <summary>A trial whose latest loss is above this is stopped. Default <see langword="null"/>: no upper bound.</summary>
        public double? Upper { get; set; }

        /// <summary>No trial is pruned before this step. Default 0; at least 0.</summary>
        public int WarmupSteps { get; set; }

        /// <summary>Pruning is checked once per interval of this many steps after the warm-up. Default 1; at least 1.</summary>
        public int IntervalSteps { get; set; } = 1;
    }

    /// <summary>A threshold pruner with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">Neither bound is set, or <see cref="Options.Lower"/> is above <see cref="Options.Upper"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN or a step option is out of range; the message names it.</exception>
    public ThresholdPruner(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Lower is null && options.Upper is null)
        {
            throw new ArgumentException($"{nameof(ThresholdPruner)}.{nameof(Options)}: set {nameof(Options.Lower)}, {nameof(Options.Upper)} or both.", nameof(options));
        }

        if (options.Lower is { } lower && double.IsNaN(lower))
        {
            throw new ArgumentOutOfRangeException(nameof(Options.Lower), lower, $"{nameof(ThresholdPruner)}.{nameof(Options)}.{nameof(Options.Lower)} must be a number.");
        }

        if (options.Upper is { } upper && double.IsNaN(upper))
        {
            throw new ArgumentOutOfRangeException(nameof(Options.Upper), upper, $"{nameof(ThresholdPruner)}.{nameof(Options)}.{nameof(Options.Upper)} must be a number.");
        }

        _lower = options.Lower ?? double.NegativeInfinity;
        _upper = options.Upper ?? double.PositiveInfinity;
        if (_lower > _upper)
        {
            throw new ArgumentException($"{nameof(ThresholdPruner)}.{nameof(Options)}.{nameof(Options.Lower)} ({_lower}) must not be above {nameof(Options.Upper)} ({_upper}).", nameof(options));
        }

        PrunerHistory.RequireAtLeast(options.WarmupSteps, 0, $"{nameof(ThresholdPruner)}.{nameof(Options)}", nameof(Options.WarmupSteps));
        PrunerHistory.RequireAtLeast(options.IntervalSteps, 1, $"{nameof(ThresholdPruner)}.{nameof(Options)}", nameof(Options.IntervalSteps));

        _warmupSteps = options.WarmupSteps;
        _intervalSteps = options.IntervalSteps;
    }

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
    {
        PrunerHistory.CheckArguments(step, history);
        var own = PrunerHistory.WithCurrent(history, trialId, step, loss);
        var (last, latest) = own[^1];   // Optuna judges the trial's last step
        if (last < _warmupSteps || !PrunerHistory.IsFirstStepOfInterval(last, own, _warmupSteps, _intervalSteps))
        {
            return false;
        }

        return double.IsNaN(latest) || latest < _lower || latest > _upper;
    }
}
