namespace MLExtensions.AutoML;

/// <summary>
/// Tree-structured Parzen Estimator tuner with Optuna 3.1's <c>TPESampler</c> defaults: 10 random start-up trials, then,
/// independently per active dimension, l(x) from the best γ(n) trials and g(x) from the rest, 24 candidates drawn from
/// l and the one with the largest log l(x) − log g(x) proposed.
/// </summary>
/// <remarks>
/// <para>Conditional spaces: a dimension is sampled only when its branch is active in the point being built, and its
/// estimators use only the trials where it was active (Optuna's independent sampling, <c>group=False</c>); γ(n) counts
/// all finished trials.</para>
/// <para>Ranking (Optuna 3.1): complete trials by loss, then pruned trials by their last reported step (later first),
/// then by the value at that step, then pruned trials that reported nothing. Failed and timed-out trials (and complete
/// trials without a finite loss) only ever go to g(x). Waiting and cancelled trials are ignored, and so are running ones
/// unless <see cref="TpeOptions.ConstantLiar"/> is set, which ranks them after every finished trial. Intermediate
/// values are in the metric's direction; the tuner learns it from a complete trial (Loss = −Metric means maximize) and
/// assumes minimization until it has seen one.</para>
/// <para>Kernels live in the [0, 1] feature coordinates; see <see cref="ParzenEstimator"/> for why this equals Optuna's
/// value-domain estimator for continuous options, and where it differs (integers).</para>
/// </remarks>
public sealed class TpeTuner : ITuner
{
    private readonly SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureDimension> _dimensions;
    private readonly TpeOptions _options;
    private readonly Random _random;
    private readonly List<TrialObservation> _history = new();
    private readonly Dictionary<int, double[]> _proposed = new();   // constant liar: this tuner's proposals without a result
    private readonly Dictionary<int, double[]> _elsewhere = new();  // constant liar: other workers' running trials

    /// <summary>Creates a TPE tuner over <paramref name="searchSpace"/>.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="options">The options; null for Optuna's defaults and seed 0.</param>
    public TpeTuner(SearchSpace searchSpace, TpeOptions? options = null)
    {
        _dimensions = ConditionalFeatures.Validate(searchSpace, nameof(searchSpace));
        _searchSpace = searchSpace;
        _options = options ?? new TpeOptions();
        _options.Validate();
        _random = new Random(_options.Seed);
    }

    /// <summary>Whether running trials count as the worst observations (<see cref="TpeOptions.ConstantLiar"/>).</summary>
    internal bool ConstantLiar => _options.ConstantLiar;

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double[] point = ProposePoint();
        if (_options.ConstantLiar)
        {
            _proposed[settings.TrialId] = point;
        }

        return _searchSpace.SampleFromFeatureSpace(point);
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        var observation = TrialObservation.From(_searchSpace, result);
        _history.Add(observation);
        _proposed.Remove(observation.TrialId);
        _elsewhere.Remove(observation.TrialId);
    }

    /// <summary>
    /// With <see cref="TpeOptions.ConstantLiar"/>: the trials other workers are running now (replacing the previous set);
    /// trials this tuner proposed itself or already has a result for are skipped.
    /// </summary>
    internal void ObserveRunning(IEnumerable<(int TrialId, Parameter Parameter)> running)
    {
        _elsewhere.Clear();
        var finished = _history.Select(o => o.TrialId).ToHashSet();
        foreach (var (id, parameter) in running)
        {
            if (!_proposed.ContainsKey(id) && !finished.Contains(id))
            {
                _elsewhere[id] = _searchSpace.MappingToFeatureSpace(parameter);
            }
        }
    }

    /// <summary>The split the next proposal uses: the finished trials and, with the constant liar, the running ones.</summary>
    internal TpeSplit CurrentSplit()
    {
        if (!_options.ConstantLiar)
        {
            return TpeSplit.Compute(_history, _options.Gamma);
        }

        var running = _proposed.Concat(_elsewhere)
            .Select(p => new TrialObservation(p.Key, p.Value, TrialState.Running, double.NaN, double.NaN, 0, []))
            .ToList();
        return TpeSplit.Compute(_history, _options.Gamma, running);
    }

    /// <summary>The next point in feature coordinates (NaN for inactive dimensions).</summary>
    internal double[] ProposePoint()
    {
        TpeSplit split = CurrentSplit();
        if (split.Count < _options.NumberOfStartupTrials || split.Count == 0)
        {
            return ConditionalFeatures.SampleUniform(_dimensions, _random);
        }

        var x = new double[_dimensions.Count];
        var active = new bool[_dimensions.Count];
        for (int i = 0; i < _dimensions.Count; i++)
        {
            active[i] = ConditionalFeatures.IsActive(_dimensions, x, active, i);
            x[i] = active[i] ? SampleDimension(i, split) : double.NaN;
        }

        return x;
    }

    private double SampleDimension(int i, TpeSplit split)
    {
        FeatureDimension d = _dimensions[i];
        var below = new List<double>();
        var above = new List<double>();
        foreach (TrialObservation o in split.Below)
        {
            if (!double.IsNaN(o.Point[i]))
            {
                below.Add(o.Point[i]);
            }
        }

        foreach (TrialObservation o in split.Above)
        {
            if (!double.IsNaN(o.Point[i]))
            {
                above.Add(o.Point[i]);
            }
        }

        if (d.ChoiceCount is int k)
        {
            var l = ParzenEstimator.Categorical(below.Select(v => ConditionalFeatures.ChoiceIndex(v, k)).ToArray(), k, _options);
            var g = ParzenEstimator.Categorical(above.Select(v => ConditionalFeatures.ChoiceIndex(v, k)).ToArray(), k, _options);
            int best = (int)ChooseCandidate(l, g, l.Sample(_random, _options.NumberOfEiCandidates));
            return ConditionalFeatures.ChoiceCoordinate(best, k);
        }

        var ln = ParzenEstimator.Numeric(below, 0, 1, _options);
        var gn = ParzenEstimator.Numeric(above, 0, 1, _options);
        return ChooseCandidate(ln, gn, ln.Sample(_random, _options.NumberOfEiCandidates));
    }

    /// <summary>The candidate with the largest log l(x) − log g(x) (the first on ties, like numpy's argmax).</summary>
    internal static double ChooseCandidate(ParzenEstimator l, ParzenEstimator g, IReadOnlyList<double> candidates)
    {
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < candidates.Count; c++)
        {
            double score = l.LogPdf(candidates[c]) - g.LogPdf(candidates[c]);
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }

        return candidates[best];
    }
}
