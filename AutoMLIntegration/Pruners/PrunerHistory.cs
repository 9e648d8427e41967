namespace MLExtensions.AutoML;

/// <summary>Helpers the pruners share to read a trial history.</summary>
internal static class PrunerHistory
{
    /// <summary>
    /// The losses of <paramref name="trialId"/> with the report being decided included (whether or not the caller recorded
    /// it in <paramref name="history"/> first), in step order.
    /// </summary>
    public static List<(int Step, double Loss)> WithCurrent(ITrialHistory history, int trialId, int step, double loss)
    {
        var values = history.TrialIds.Contains(trialId)
            ? history.GetIntermediateLosses(trialId).Where(p => p.Step != step).ToList()
            : [];
        int at = values.FindIndex(p => p.Step > step);
        values.Insert(at < 0 ? values.Count : at, (step, loss));
        return values;
    }

    /// <summary>The last reported step of every complete trial that reported something.</summary>
    public static IEnumerable<int> CompletedLastSteps(ITrialHistory history, Func<int, bool>? include = null) =>
        history.TrialIds
            .Where(id => (include is null || include(id)) && history.GetState(id) == TrialState.Complete)
            .Select(id => history.GetIntermediateLosses(id))
            .Where(values => values.Count > 0)
            .Select(values => values.Max(p => p.Step));

    /// <summary>
    /// Optuna's interval rule: <paramref name="step"/> is checked iff no other report of the trial (<paramref name="own"/>)
    /// falls at or after the last pruning step on the grid <c>warmup + k·interval</c> at or below it.
    /// </summary>
    public static bool IsFirstStepOfInterval(int step, List<(int Step, double Loss)> own, int warmupSteps, int intervalSteps)
    {
        int nearestLowerPruningStep = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps;
        int secondLast = own.Where(p => p.Step != step).Select(p => p.Step).DefaultIfEmpty(-1).Max();
        return secondLast < nearestLowerPruningStep;
    }

    /// <summary>numpy's <c>nanmin</c>: the smallest value that is not NaN, or NaN when there is none.</summary>
    public static double NanMin(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming <c>{options}.{name}</c> when <paramref name="value"/> is below <paramref name="min"/>.</summary>
    /// <param name="value">The option's value.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="options">The options type as users write it, e.g. <c>ThresholdPruner.Options</c>.</param>
    /// <param name="name">The option's name.</param>
    public static void RequireAtLeast(int value, int min, string options, string name)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{options}.{name} must be at least {min}.");
        }
    }

    /// <summary>Validates the arguments every pruner receives.</summary>
    public static void CheckArguments(int step, ITrialHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be at least 0 (epochs and boosting steps count from 1).");
        }
    }
}
