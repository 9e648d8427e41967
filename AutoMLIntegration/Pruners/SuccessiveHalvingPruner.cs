namespace MLExtensions.AutoML;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020) with Optuna 3.1's semantics: rung <c>k</c> is reached at step
/// <c>r·η^(s+k)</c> (r the minimum resource, η the reduction factor, s the minimum early-stopping rate). A trial reaching a
/// rung records its current loss there and is promoted iff that loss is within the best <c>⌊n/η⌋</c> of the <c>n</c> losses
/// recorded at the rung so far (itself included; the best one when <c>⌊n/η⌋ = 0</c>); otherwise it is pruned. A NaN loss at a
/// rung is pruned. Thread-safe.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private readonly object _gate = new();
    private readonly int _reductionFactor;
    private readonly int _minEarlyStoppingRate;
    private readonly int _bootstrapCount;
    private readonly Dictionary<int, List<double>> _rungLosses = [];   // per trial: the loss it recorded at rung 0, 1, ...
    private int? _minResource;

    /// <summary>Options of <see cref="SuccessiveHalvingPruner"/>; the defaults are Optuna's.</summary>
    public sealed class Options
    {
        /// <summary>
        /// The steps a trial runs before its first rung (r). Null (the default) is Optuna's "auto": once a trial is complete,
        /// <c>max(⌊last step of the longest complete trial / 100⌋, 1)</c>, fixed from then on; no trial is pruned before.
        /// At least 1 when set.
        /// </summary>
        public int? MinResource { get; set; }

        /// <summary>η: a rung keeps the best 1/η of its trials. Default 4; at least 2.</summary>
        public int ReductionFactor { get; set; } = 4;

        /// <summary>s: the first rung is at <c>r·η^s</c>. Default 0; at least 0.</summary>
        public int MinEarlyStoppingRate { get; set; }

        /// <summary>A trial is pruned at a rung until more than this many trials have recorded a loss there. Default 0; at least 0; must be 0 when <see cref="MinResource"/> is automatic.</summary>
        public int BootstrapCount { get; set; }
    }

    /// <summary>A successive-halving pruner with <paramref name="options"/> (Optuna's defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public SuccessiveHalvingPruner(Options? options = null)
    {
        options ??= new Options();
        if (options.MinResource is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.MinResource), options.MinResource,
                $"{nameof(SuccessiveHalvingPruner)}.{nameof(Options)}.{nameof(Options.MinResource)} must be at least 1, or null for automatic.");
        }

        if (options.ReductionFactor < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.ReductionFactor), options.ReductionFactor,
                $"{nameof(SuccessiveHalvingPruner)}.{nameof(Options)}.{nameof(Options.ReductionFactor)} must be at least 2.");
        }

        if (options.MinEarlyStoppingRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.MinEarlyStoppingRate), options.MinEarlyStoppingRate,
                $"{nameof(SuccessiveHalvingPruner)}.{nameof(Options)}.{nameof(Options.MinEarlyStoppingRate)} must be at least 0.");
        }

        if (options.BootstrapCount < 0 || (options.BootstrapCount > 0 && options.MinResource is null))
        {
            throw new ArgumentOutOfRangeException(nameof(Options.BootstrapCount), options.BootstrapCount,
                $"{nameof(SuccessiveHalvingPruner)}.{nameof(Options)}.{nameof(Options.BootstrapCount)} must be at least 0, and 0 when {nameof(Options.MinResource)} is automatic.");
        }

        _minResource = options.MinResource;
        _reductionFactor = options.ReductionFactor;
        _minEarlyStoppingRate = options.MinEarlyStoppingRate;
        _bootstrapCount = options.BootstrapCount;
    }

    /// <summary>The minimum resource in use: the option, or the automatic value once estimated (null before).</summary>
    public int? MinResource
    {
        get
        {
            lock (_gate)
            {
                return _minResource;
            }
        }
    }

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
    {
        PrunerHistory.CheckArguments(step, history);
        return ShouldPrune(trialId, step, loss, history, null);
    }

    /// <summary>The decision seeing only the trials <paramref name="include"/> accepts (Hyperband's bracket), for the automatic minimum resource.</summary>
    internal bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history, Func<int, bool>? include)
    {
        lock (_gate)
        {
            if (!_rungLosses.TryGetValue(trialId, out var own))
            {
                own = [];
                _rungLosses[trialId] = own;
            }

            int rung = own.Count;
            while (true)
            {
                if (_minResource is null)
                {
                    var lastSteps = PrunerHistory.CompletedLastSteps(history, include).ToList();
                    if (lastSteps.Count == 0)
                    {
                        return false;
                    }

                    _minResource = Math.Max(lastSteps.Max() / 100, 1);
                }

                double promotionStep = _minResource.Value * Math.Pow(_reductionFactor, _minEarlyStoppingRate + rung);
                if (step < promotionStep)
                {
                    return false;
                }

                if (double.IsNaN(loss))
                {
                    return true;
                }

                var competing = new List<double>();
                foreach (var (id, losses) in _rungLosses)
                {
                    if (id != trialId && losses.Count > rung)
                    {
                        competing.Add(losses[rung]);
                    }
                }

                own.Add(loss);
                competing.Add(loss);
                if (competing.Count <= _bootstrapCount || !IsPromotable(loss, competing))
                {
                    return true;
                }

                rung++;
            }
        }
    }

    // Optuna: promotable iff within the best ⌊n/η⌋ (the best when that is 0); NaN losses sort last and never win.
    private bool IsPromotable(double loss, List<double> competing)
    {
        int index = Math.Max(competing.Count / _reductionFactor - 1, 0);
        competing.Sort((a, b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a.CompareTo(b));
        return loss <= competing[index];
    }
}
