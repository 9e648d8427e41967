using System.Text;

namespace MLExtensions.AutoML;

/// <summary>
/// Hyperband (Li et al., JMLR 2018) as Optuna 3.1 runs it: <c>n = ⌊log_η(R/r)⌋ + 1</c> brackets, bracket <c>b</c> an
/// asynchronous successive halving with minimum early-stopping rate <c>b</c>. A trial's bracket is Optuna's deterministic
/// hash <c>crc32("{StudyName}_{trialId}") mod Σ budgets</c> walked through the budgets
/// <c>⌈n·η^(n−1−b)/(n−b)⌉</c>, so the same study name and trial ids give Optuna's brackets; each bracket sees only its own
/// trials. Thread-safe.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly object _gate = new();
    private readonly int _minResource;
    private readonly int _reductionFactor;
    private readonly int _bootstrapCount;
    private readonly string _studyName;
    private int? _maxResource;
    private SuccessiveHalvingPruner[]? _brackets;
    private int[] _budgets = [];

    /// <summary>Options of <see cref="HyperbandPruner"/>; the defaults are Optuna's.</summary>
    public sealed class Options
    {
        /// <summary>r: the steps before a trial's first rung in the most aggressive bracket. Default 1; at least 1.</summary>
        public int MinResource { get; set; } = 1;

        /// <summary>
        /// R: the most steps a trial runs. Null (the default) is Optuna's "auto": the last step of the longest complete trial
        /// plus one, fixed once a trial is complete; no trial is pruned before. At least <see cref="MinResource"/> when set.
        /// </summary>
        public int? MaxResource { get; set; }

        /// <summary>η. Default 3; at least 2.</summary>
        public int ReductionFactor { get; set; } = 3;

        /// <summary>Each bracket's <see cref="SuccessiveHalvingPruner.Options.BootstrapCount"/>. Default 0; at least 0.</summary>
        public int BootstrapCount { get; set; }

        /// <summary>The study name hashed with the trial id to pick a trial's bracket. Default <c>"study"</c>; not empty.</summary>
        public string StudyName { get; set; } = "study";
    }

    /// <summary>A Hyperband pruner with <paramref name="options"/> (Optuna's defaults when null).</summary>
    /// <exception cref="ArgumentException">An option is out of range or empty; the message names it.</exception>
    public HyperbandPruner(Options? options = null)
    {
        options ??= new Options();
        string prefix = $"{nameof(HyperbandPruner)}.{nameof(Options)}.";
        if (options.MinResource < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.MinResource), options.MinResource, $"{prefix}{nameof(Options.MinResource)} must be at least 1.");
        }

        if (options.MaxResource is { } max && max < options.MinResource)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.MaxResource), max,
                $"{prefix}{nameof(Options.MaxResource)} must be at least {nameof(Options.MinResource)} ({options.MinResource}), or null for automatic.");
        }

        if (options.ReductionFactor < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.ReductionFactor), options.ReductionFactor, $"{prefix}{nameof(Options.ReductionFactor)} must be at least 2.");
        }

        if (options.BootstrapCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.BootstrapCount), options.BootstrapCount, $"{prefix}{nameof(Options.BootstrapCount)} must be at least 0.");
        }

        if (string.IsNullOrEmpty(options.StudyName))
        {
            throw new ArgumentException($"{prefix}{nameof(Options.StudyName)} must not be empty.", nameof(Options.StudyName));
        }

        _minResource = options.MinResource;
        _maxResource = options.MaxResource;
        _reductionFactor = options.ReductionFactor;
        _bootstrapCount = options.BootstrapCount;
        _studyName = options.StudyName;
    }

    /// <summary>The number of brackets; null until the maximum resource is known.</summary>
    public int? BracketCount
    {
        get
        {
            lock (_gate)
            {
                return _brackets?.Length;
            }
        }
    }

    /// <summary>The trial-allocation budget of each bracket (empty until the maximum resource is known).</summary>
    public IReadOnlyList<int> BracketBudgets
    {
        get
        {
            lock (_gate)
            {
                return _budgets.ToArray();
            }
        }
    }

    /// <summary>The bracket of <paramref name="trialId"/>; 0 until the maximum resource is known (as Optuna).</summary>
    public int GetBracket(int trialId)
    {
        lock (_gate)
        {
            return BracketOf(trialId);
        }
    }

    /// <inheritdoc/>
    public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
    {
        PrunerHistory.CheckArguments(step, history);
        SuccessiveHalvingPruner bracket;
        Func<int, bool> inBracket;
        lock (_gate)
        {
            if (_brackets is null && !TryInitialize(history))
            {
                return false;
            }

            int b = BracketOf(trialId);
            bracket = _brackets![b];
            inBracket = id => GetBracket(id) == b;
        }

        return bracket.ShouldPrune(trialId, step, loss, history, inBracket);
    }

    private bool TryInitialize(ITrialHistory history)
    {
        if (_maxResource is null)
        {
            var lastSteps = PrunerHistory.CompletedLastSteps(history).ToList();
            if (lastSteps.Count == 0)
            {
                return false;
            }

            _maxResource = lastSteps.Max() + 1;
        }

        int n = (int)Math.Floor(Math.Log((double)_maxResource.Value / _minResource) / Math.Log(_reductionFactor)) + 1;
        _budgets = new int[n];
        _brackets = new SuccessiveHalvingPruner[n];
        for (int b = 0; b < n; b++)
        {
            int s = n - 1 - b;
            _budgets[b] = (int)Math.Ceiling(n * Math.Pow(_reductionFactor, s) / (s + 1));
            _brackets[b] = new SuccessiveHalvingPruner(new SuccessiveHalvingPruner.Options
            {
                MinResource = _minResource,
                ReductionFactor = _reductionFactor,
                MinEarlyStoppingRate = b,
                BootstrapCount = _bootstrapCount,
            });
        }

        return true;
    }

    private int BracketOf(int trialId)
    {
        if (_brackets is null)
        {
            return 0;
        }

        long total = _budgets.Sum(x => (long)x);
        long hash = Crc32.Compute(Encoding.UTF8.GetBytes($"{_studyName}_{trialId}")) % total;
        for (int b = 0; b < _budgets.Length; b++)
        {
            hash -= _budgets[b];
            if (hash < 0)
            {
                return b;
            }
        }

        throw new InvalidOperationException("Unreachable: the hash is below the sum of the budgets.");
    }
}
