namespace MLExtensions.AutoML;

/// <summary>
/// The split of finished trials into the good group ("below", l(x)) and the rest ("above", g(x)), as Optuna 3.1's
/// <c>_get_observation_pairs</c> and <c>_split_observation_pairs</c> rank them, plus our rule for failed trials.
/// </summary>
internal sealed class TpeSplit
{
    private TpeSplit(IReadOnlyList<TrialObservation> below, IReadOnlyList<TrialObservation> above, int count)
    {
        Below = below;
        Above = above;
        Count = count;
    }

    /// <summary>The good trials, oldest first.</summary>
    public IReadOnlyList<TrialObservation> Below { get; }

    /// <summary>The other finished trials (failed ones included) and, with the constant liar, the running ones, oldest first.</summary>
    public IReadOnlyList<TrialObservation> Above { get; }

    /// <summary>n: the finished trials considered (complete, pruned, failed, timed out); running trials are not counted.</summary>
    public int Count { get; }

    /// <summary>
    /// Splits <paramref name="history"/> with γ = <paramref name="gamma"/>(n). <paramref name="running"/> are trials still
    /// running (Optuna's <c>constant_liar</c>): ranked after every finished trial, so they always go to the rest, and not
    /// counted in n.
    /// </summary>
    public static TpeSplit Compute(IReadOnlyList<TrialObservation> history, Func<int, int> gamma, IReadOnlyList<TrialObservation>? running = null)
    {
        // Chronological order by trial id (stable for equal ids).
        List<TrialObservation> ordered = history.Concat(running ?? []).OrderBy(o => o.TrialId).ToList();
        double sign = MetricSign(ordered);
        var ranked = new List<(int Order, double Key1, double Key2, TrialObservation Trial)>();
        var bad = new List<(int Order, TrialObservation Trial)>();
        var liars = new List<(int Order, TrialObservation Trial)>();   // running: always above, not counted in n
        for (int i = 0; i < ordered.Count; i++)
        {
            TrialObservation o = ordered[i];
            if (o.State == TrialState.Running)
            {
                liars.Add((i, o));
            }
            else if (o.IsBad)
            {
                bad.Add((i, o));
            }
            else if (o.IsComplete)
            {
                ranked.Add((i, double.NegativeInfinity, o.Loss, o));
            }
            else if (o.State == TrialState.Pruned)
            {
                if (o.IntermediateValues.Count > 0)
                {
                    (int step, double value) = o.IntermediateValues.MaxBy(v => v.Step);
                    ranked.Add((i, -step, double.IsNaN(value) ? double.PositiveInfinity : sign * value, o));
                }
                else
                {
                    ranked.Add((i, 1, 0, o));
                }
            }
        }

        int n = ranked.Count + bad.Count;
        int nBelow = Math.Clamp(n == 0 ? 0 : gamma(n), 0, ranked.Count);
        var sorted = ranked.OrderBy(r => r.Key1).ThenBy(r => r.Key2).ThenBy(r => r.Order).ToList();
        var below = sorted.Take(nBelow).OrderBy(r => r.Order).Select(r => r.Trial).ToList();
        var above = sorted.Skip(nBelow).Select(r => (r.Order, r.Trial)).Concat(bad).Concat(liars).OrderBy(r => r.Order).Select(r => r.Trial).ToList();
        return new TpeSplit(below, above, n);
    }

    /// <summary>+1 when the metric is minimized (Loss = Metric), −1 when maximized (Loss = −Metric); +1 until known.</summary>
    private static double MetricSign(IReadOnlyList<TrialObservation> history)
    {
        foreach (TrialObservation o in history)
        {
            if (o.IsComplete && double.IsFinite(o.Metric) && o.Metric != 0)
            {
                return o.Loss == o.Metric ? 1 : -1;
            }
        }

        return 1;
    }
}
