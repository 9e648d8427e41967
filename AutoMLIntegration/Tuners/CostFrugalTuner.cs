namespace MLExtensions.AutoML;

/// <summary>
/// CFO: FLOW2 local search from a low-cost start point (Wu, Wang, Huang, AAAI 2021; ALGORITHMS.md E1), for trainers
/// whose cost grows with some hyperparameters. The step starts at 0.1·√d over the d feature dimensions the search
/// moves (not the number of top-level keys), shrinks by √(K_old/K) after 2^min(9, d) proposals without improvement,
/// and when it falls below its lower bound (one integer unit of the finest active integer coordinate, as FLOW2's quantum,
/// else 1e-4, times √d) the search restarts around the best point found so far (never at the default).
/// </summary>
/// <remarks>
/// In a conditional space the search moves every coordinate, selectors included; a coordinate of an inactive branch
/// keeps its value (so switching back resumes there) and is passed to the space as NaN. Pruned, failed and timed-out
/// trials are never improvements. Results of trials the tuner did not propose (a resumed history) update the best point,
/// and a better one restarts the search there.
/// </remarks>
public sealed class CostFrugalTuner : ITuner
{
    private readonly SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureDimension> _dimensions;
    private readonly int[] _moved;
    private readonly double[] _template;
    private readonly Random _random;
    private Flow2Search _search;
    private readonly HashSet<int> _proposedByCurrentSearch = new();
    private double[] _bestMoved;
    private double _bestLoss = double.PositiveInfinity;
    private readonly double _stepLowerBound;

    /// <summary>Creates a CFO tuner over <paramref name="searchSpace"/>.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="options">The options; null for the space's default point as the start and seed 0.</param>
    public CostFrugalTuner(SearchSpace searchSpace, CostFrugalTunerOptions? options = null)
        : this(searchSpace, options ?? new CostFrugalTunerOptions(), null, null)
    {
    }

    /// <summary>
    /// A CFO that moves only the dimensions <paramref name="moved"/>; the others keep the values of
    /// <paramref name="fixedPoint"/> (used by <see cref="EciCostFrugalTuner"/>: one CFO per estimator branch).
    /// </summary>
    internal CostFrugalTuner(SearchSpace searchSpace, CostFrugalTunerOptions options, int[]? moved, double[]? fixedPoint)
    {
        _dimensions = ConditionalFeatures.Validate(searchSpace, nameof(searchSpace));
        if (_dimensions.Count == 0)
        {
            throw new ArgumentException("CostFrugalTuner needs a search space with at least one feature dimension.", nameof(searchSpace));
        }

        ArgumentNullException.ThrowIfNull(options);
        options.Validate(_dimensions);
        _searchSpace = searchSpace;
        _stepLowerBound = options.StepLowerBound;
        _random = new Random(options.Seed);
        _template = StartPoint(options, fixedPoint);
        _moved = moved ?? Enumerable.Range(0, _dimensions.Count).ToArray();
        if (_moved.Length == 0)
        {
            throw new ArgumentException("CostFrugalTuner needs at least one dimension to move.", nameof(moved));
        }

        _bestMoved = _moved.Select(i => _template[i]).ToArray();
        _search = NewSearch(_bestMoved);
    }

    /// <summary>How many times the local search converged and restarted.</summary>
    internal int Restarts { get; private set; }

    /// <summary>The current local search (for tests).</summary>
    internal Flow2Search Search => _search;

    /// <summary>The best loss seen (+∞ before any complete trial).</summary>
    internal double BestLoss => _bestLoss;

    /// <summary>The low-cost start point in feature coordinates (every coordinate set).</summary>
    internal double[] StartCoordinates => (double[])_template.Clone();

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _searchSpace.SampleFromFeatureSpace(ProposePoint(settings.TrialId));
    }

    /// <inheritdoc/>
    public void Update(TrialResult result)
    {
        TrialObservation o = TrialObservation.From(_searchSpace, result);
        Observe(o);
    }

    /// <summary>The next point for trial <paramref name="trialId"/> (NaN for inactive dimensions).</summary>
    internal double[] ProposePoint(int trialId)
    {
        double[]? moved = _search.Suggest(trialId);
        if (moved is null)
        {
            Restart();
            moved = _search.Suggest(trialId)!;
        }

        _proposedByCurrentSearch.Add(trialId);
        return ToPoint(moved);
    }

    /// <summary>Feeds one finished trial.</summary>
    internal void Observe(TrialObservation o)
    {
        double loss = o.IsComplete ? o.Loss : double.NaN;
        if (_proposedByCurrentSearch.Remove(o.TrialId))
        {
            _search.Complete(o.TrialId, loss);
            if (!double.IsNaN(loss) && loss < _bestLoss)
            {
                _bestLoss = loss;
                _bestMoved = (double[])_search.Incumbent.Clone();
            }

            return;
        }

        if (double.IsNaN(loss) || !(loss < _bestLoss))
        {
            return;
        }

        // A better trial this search did not propose: restart the local search from it.
        double[] moved = new double[_moved.Length];
        for (int j = 0; j < _moved.Length; j++)
        {
            double v = o.Point[_moved[j]];
            moved[j] = double.IsNaN(v) ? _bestMoved[j] : v;
        }

        _bestLoss = loss;
        _bestMoved = moved;
        _search = NewSearch(moved);
        _search.MarkStartEvaluated(loss);
        _proposedByCurrentSearch.Clear();
    }

    private void Restart()
    {
        Restarts++;
        int d = _moved.Length;
        double radius = Math.Min(Flow2Search.StepSize * Math.Sqrt(d) * Restarts, Math.Sqrt(d));
        var u = new double[d];
        double norm = 0;
        while (norm < 1e-12)
        {
            norm = 0;
            for (int j = 0; j < d; j++)
            {
                u[j] = Gaussian();
                norm += u[j] * u[j];
            }

            norm = Math.Sqrt(norm);
        }

        var start = new double[d];
        for (int j = 0; j < d; j++)
        {
            start[j] = Math.Clamp(_bestMoved[j] + radius * u[j] / norm, 0, 1);
        }

        _search = NewSearch(start);
        _proposedByCurrentSearch.Clear();
    }

    private Flow2Search NewSearch(double[] start) =>
        new(start, _random, moved => _searchSpace.SampleFromFeatureSpace(ToPoint(moved)).ToJson(), _stepLowerBound, SmallestIntegerUnit);

    /// <summary>The smallest integer unit among the moved integer coordinates active at <paramref name="moved"/>; null if none.</summary>
    private double? SmallestIntegerUnit(double[] moved)
    {
        double[] x = ToPoint(moved);
        double? smallest = null;
        foreach (int i in _moved)
        {
            if (!double.IsNaN(x[i]) && _dimensions[i].IntegerUnit(x[i]) is { } unit && !(unit >= smallest))
            {
                smallest = unit;
            }
        }

        return smallest;
    }

    private double[] ToPoint(double[] moved)
    {
        var x = (double[])_template.Clone();
        for (int j = 0; j < _moved.Length; j++)
        {
            x[_moved[j]] = moved[j];
        }

        bool[] active = ConditionalFeatures.Activity(_dimensions, x);
        for (int i = 0; i < x.Length; i++)
        {
            if (!active[i])
            {
                x[i] = double.NaN;
            }
        }

        return x;
    }

    private double[] StartPoint(CostFrugalTunerOptions options, double[]? fixedPoint)
    {
        var x = new double[_dimensions.Count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = _dimensions[i].Default;
        }

        if (options.InitialParameter is not null)
        {
            double[] mapped = _searchSpace.MappingToFeatureSpace(options.InitialParameter);
            for (int i = 0; i < x.Length; i++)
            {
                if (!double.IsNaN(mapped[i]))
                {
                    x[i] = mapped[i];
                }
            }
        }

        if (options.LowCostHints is not null)
        {
            foreach ((string path, double value) in options.LowCostHints)
            {
                x[_dimensions.First(d => d.Path == path).Index] = value;
            }
        }

        if (fixedPoint is not null)
        {
            for (int i = 0; i < x.Length; i++)
            {
                if (!double.IsNaN(fixedPoint[i]))
                {
                    x[i] = fixedPoint[i];
                }
            }
        }

        return x;
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
