namespace MLExtensions.AutoML;

/// <summary>
/// Cost-aware choice among the branches of the estimator one-of (FLAML's estimated cost for improvement, as in
/// Microsoft.ML.AutoML's default tuner), with one <see cref="CostFrugalTuner"/> per branch.
/// </summary>
/// <remarks>
/// <para>Per branch: C = its total trial time, K1 = C when it found its best loss e1, K2 = C when it found the best
/// before that (e2). ECI = max(C − K1, K1 − K2); when the branch is behind the global best e* and has improved twice,
/// also at least (e1 − e*)·(K1 − K2)/(e2 − e1), the time to close the gap at its last rate. A branch that has run but
/// never completed gets twice the largest ECI. A branch that has not run yet gets its cost prior times the observed
/// time per prior unit of the branches that have run.</para>
/// <para>Choice: while some branch has not run, the branch with the lowest ECI when it is an untried one; otherwise a
/// branch drawn with probability ∝ 1/ECI.</para>
/// </remarks>
public sealed class EciCostFrugalTuner : ITuner
{
    private readonly SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureDimension> _dimensions;
    private readonly Random _random;
    private readonly int _selector;
    private readonly string[] _branchNames;
    private readonly double[] _priors;
    private readonly CostFrugalTuner?[] _searches;
    private readonly double[][] _fixedPoints;
    private readonly BranchStatistics[] _stats;
    private readonly Dictionary<int, int> _branchOfTrial = new();
    private double _globalBest = double.PositiveInfinity;

    /// <summary>Creates the tuner over <paramref name="searchSpace"/>, which must contain the estimator one-of.</summary>
    /// <param name="searchSpace">The pipeline's space.</param>
    /// <param name="options">The options; null for defaults.</param>
    public EciCostFrugalTuner(SearchSpace searchSpace, EciCostFrugalTunerOptions? options = null)
    {
        _dimensions = ConditionalFeatures.Validate(searchSpace, nameof(searchSpace));
        options ??= new EciCostFrugalTunerOptions();
        _searchSpace = searchSpace;
        _random = new Random(options.Seed);
        (string key, OneOfOption oneOf) = FindEstimatorOneOf(searchSpace, options.EstimatorKey);
        _branchNames = oneOf.BranchNames.ToArray();
        string selectorPath = key + "." + OneOfOption.KindKey;
        FeatureDimension? selector = _dimensions.FirstOrDefault(d => d.Path == selectorPath);
        if (selector is null || selector.ChoiceCount != _branchNames.Length)
        {
            throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey '{key}': the space has no selector dimension '{selectorPath}' with {_branchNames.Length} choices (a one-of with one branch has no selector).", nameof(EciCostFrugalTunerOptions.EstimatorKey));
        }

        _selector = selector.Index;
        _priors = Priors(options.CostPriors);
        int n = _branchNames.Length;
        _searches = new CostFrugalTuner?[n];
        _fixedPoints = new double[n][];
        _stats = new BranchStatistics[n];
        for (int b = 0; b < n; b++)
        {
            _stats[b] = new BranchStatistics();
            var fixedPoint = Enumerable.Repeat(double.NaN, _dimensions.Count).ToArray();
            fixedPoint[_selector] = ConditionalFeatures.ChoiceCoordinate(b, n);
            _fixedPoints[b] = fixedPoint;
            int[] moved = Enumerable.Range(0, _dimensions.Count).Where(i => i != _selector && !InOtherBranch(i, b)).ToArray();
            if (moved.Length > 0)
            {
                var cfo = new CostFrugalTunerOptions { Seed = options.Seed + 1 + b, InitialParameter = options.InitialParameter, LowCostHints = options.LowCostHints };
                _searches[b] = new CostFrugalTuner(searchSpace, cfo, moved, fixedPoint);
            }
        }
    }

    /// <summary>
    /// Creates the tuner over <paramref name="pipeline"/>'s space: the branches are its schemas (the
    /// <see cref="SweepablePipeline.SchemaKey"/> one-of) and each schema's cost prior is
    /// <see cref="SweepablePipeline.CostPriorOf(string)"/> (the sum of its estimators' <see cref="SweepableEstimator.CostPrior"/>),
    /// unless <see cref="EciCostFrugalTunerOptions.CostPriors"/> names it.
    /// </summary>
    /// <param name="pipeline">The sweepable pipeline.</param>
    /// <param name="options">The options; <see cref="EciCostFrugalTunerOptions.EstimatorKey"/> must be null or the schema key.</param>
    public EciCostFrugalTuner(SweepablePipeline pipeline, EciCostFrugalTunerOptions? options = null)
        : this((pipeline ?? throw new ArgumentNullException(nameof(pipeline))).SearchSpace, WithPipelinePriors(pipeline, options))
    {
    }

    private static EciCostFrugalTunerOptions WithPipelinePriors(SweepablePipeline pipeline, EciCostFrugalTunerOptions? options)
    {
        options ??= new EciCostFrugalTunerOptions();
        if (options.EstimatorKey is not null && options.EstimatorKey != SweepablePipeline.SchemaKey)
        {
            throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey must be null or '{SweepablePipeline.SchemaKey}' for a pipeline; got '{options.EstimatorKey}'.", nameof(EciCostFrugalTunerOptions.EstimatorKey));
        }

        var priors = pipeline.Schemas.ToDictionary(s => s, pipeline.CostPriorOf, StringComparer.Ordinal);
        foreach ((string name, double cost) in options.CostPriors ?? new Dictionary<string, double>())
        {
            priors[name] = cost;
        }

        return new EciCostFrugalTunerOptions
        {
            Seed = options.Seed,
            EstimatorKey = SweepablePipeline.SchemaKey,
            CostPriors = priors,
            InitialParameter = options.InitialParameter,
            LowCostHints = options.LowCostHints,
        };
    }

    /// <summary>The branch names of the estimator one-of, in branch order.</summary>
    internal IReadOnlyList<string> BranchNames => _branchNames;

    /// <summary>The prior cost used for each branch.</summary>
    internal IReadOnlyList<double> CostPriors => _priors;

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _searchSpace.SampleFromFeatureSpace(ProposePoint(settings.TrialId));
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        Observe(TrialObservation.From(_searchSpace, result));
    }

    /// <summary>The next point for trial <paramref name="trialId"/> (NaN for inactive dimensions).</summary>
    internal double[] ProposePoint(int trialId)
    {
        int b = ChooseBranch();
        _branchOfTrial[trialId] = b;
        if (_searches[b] is CostFrugalTuner cfo)
        {
            return cfo.ProposePoint(trialId);
        }

        var x = (double[])_fixedPoints[b].Clone();
        return x;
    }

    /// <summary>Feeds one finished trial.</summary>
    internal void Observe(TrialObservation o)
    {
        if (o.State is TrialState.Waiting or TrialState.Running or TrialState.Cancelled)
        {
            return;
        }

        if (!_branchOfTrial.Remove(o.TrialId, out int b))
        {
            if (double.IsNaN(o.Point[_selector]))
            {
                return;
            }

            b = ConditionalFeatures.ChoiceIndex(o.Point[_selector], _branchNames.Length);
        }

        _searches[b]?.Observe(o);
        BranchStatistics s = _stats[b];
        double cost = Math.Max(o.DurationInMilliseconds, 1e-6);
        s.Trials++;
        s.Cost += cost;
        s.FirstCost ??= cost;
        if (o.IsComplete)
        {
            s.Completed++;
            if (o.Loss < s.BestLoss)
            {
                s.PreviousBestLoss = s.BestLoss;
                s.CostAtPreviousBest = s.CostAtBest;
                s.BestLoss = o.Loss;
                s.CostAtBest = s.Cost;
                s.Improvements++;
            }

            _globalBest = Math.Min(_globalBest, o.Loss);
        }
    }

    /// <summary>The estimated cost for improvement of every branch.</summary>
    internal double[] EstimatedCosts()
    {
        int n = _branchNames.Length;
        var eci = new double[n];
        double scale = PriorScale();
        for (int b = 0; b < n; b++)
        {
            BranchStatistics s = _stats[b];
            if (s.Trials == 0)
            {
                eci[b] = _priors[b] * scale;
                continue;
            }

            if (s.Completed == 0)
            {
                eci[b] = double.NaN; // filled below
                continue;
            }

            double k2 = s.Improvements >= 2 ? s.CostAtPreviousBest : 0;
            double value = Math.Max(s.Cost - s.CostAtBest, s.CostAtBest - k2);
            if (s.Improvements >= 2 && s.BestLoss > _globalBest && s.PreviousBestLoss > s.BestLoss)
            {
                double gapTime = (s.BestLoss - _globalBest) * (s.CostAtBest - s.CostAtPreviousBest) / (s.PreviousBestLoss - s.BestLoss);
                value = Math.Max(value, gapTime);
            }

            eci[b] = Math.Max(value, 1e-10);
        }

        double max = eci.Where(v => !double.IsNaN(v)).DefaultIfEmpty(1.0).Max();
        for (int b = 0; b < n; b++)
        {
            if (double.IsNaN(eci[b]))
            {
                // Ran but never completed: ML.NET's penalty, twice the largest estimate (and at least its own time spent).
                eci[b] = Math.Max(2 * max, _stats[b].Cost);
            }
        }

        return eci;
    }

    private int ChooseBranch()
    {
        double[] eci = EstimatedCosts();
        int argmin = 0;
        for (int b = 1; b < eci.Length; b++)
        {
            if (eci[b] < eci[argmin])
            {
                argmin = b;
            }
        }

        if (_stats[argmin].Trials == 0)
        {
            return argmin;
        }

        double total = eci.Sum(v => 1 / v);
        double u = _random.NextDouble() * total, q = 0;
        for (int b = 0; b < eci.Length; b++)
        {
            q += 1 / eci[b];
            if (u < q)
            {
                return b;
            }
        }

        return eci.Length - 1;
    }

    /// <summary>Observed milliseconds per prior unit (first trial of each branch that ran); 1 before any ran.</summary>
    private double PriorScale()
    {
        var ratios = new List<double>();
        for (int b = 0; b < _stats.Length; b++)
        {
            if (_stats[b].FirstCost is double c)
            {
                ratios.Add(c / _priors[b]);
            }
        }

        return ratios.Count == 0 ? 1.0 : ratios.Average();
    }

    private bool InOtherBranch(int i, int branch)
    {
        // Walk up the parents: is dimension i under the selector with a choice other than branch?
        FeatureDimension d = _dimensions[i];
        while (d.ParentIndex is int p)
        {
            if (p == _selector)
            {
                return d.ParentChoice != branch;
            }

            d = _dimensions[p];
        }

        return false;
    }

    private double[] Priors(IReadOnlyDictionary<string, double>? given)
    {
        if (given is not null)
        {
            foreach ((string name, double cost) in given)
            {
                if (!_branchNames.Contains(name))
                {
                    throw new ArgumentException($"EciCostFrugalTunerOptions.CostPriors names '{name}', which is not a branch; branches: {string.Join(", ", _branchNames)}.", nameof(given));
                }

                if (!(cost > 0) || double.IsInfinity(cost))
                {
                    throw new ArgumentOutOfRangeException(nameof(given), cost, $"EciCostFrugalTunerOptions.CostPriors['{name}'] must be a finite number > 0.");
                }
            }
        }

        double unknown = given is { Count: > 0 } ? given.Values.Max() : 1.0;
        return _branchNames.Select(name => given is not null && given.TryGetValue(name, out double c) ? c : unknown).ToArray();
    }

    private static (string Key, OneOfOption OneOf) FindEstimatorOneOf(SearchSpace space, string? key)
    {
        if (key is null)
        {
            var oneOfs = space.Where(kv => kv.Value is OneOfOption).ToList();
            if (oneOfs.Count != 1)
            {
                throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey is null and the space has {oneOfs.Count} top-level one-of options ({string.Join(", ", oneOfs.Select(kv => kv.Key))}); name the estimator one-of.", nameof(key));
            }

            return (oneOfs[0].Key, (OneOfOption)oneOfs[0].Value);
        }

        SearchSpace current = space;
        string[] parts = key.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            if (!current.TryGetValue(parts[i], out OptionBase? option))
            {
                throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey '{key}': no option '{parts[i]}'.", nameof(key));
            }

            if (i == parts.Length - 1)
            {
                return option is OneOfOption o
                    ? (key, o)
                    : throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey '{key}' is a {option.GetType().Name}, not a OneOfOption.", nameof(key));
            }

            current = option as SearchSpace ?? throw new ArgumentException($"EciCostFrugalTunerOptions.EstimatorKey '{key}': '{parts[i]}' is not a nested search space.", nameof(key));
        }

        throw new ArgumentException("EciCostFrugalTunerOptions.EstimatorKey is empty.", nameof(key));
    }

    private sealed class BranchStatistics
    {
        public int Trials;
        public int Completed;
        public int Improvements;
        public double Cost;
        public double? FirstCost;
        public double BestLoss = double.PositiveInfinity;
        public double PreviousBestLoss = double.PositiveInfinity;
        public double CostAtBest;
        public double CostAtPreviousBest;
    }
}
