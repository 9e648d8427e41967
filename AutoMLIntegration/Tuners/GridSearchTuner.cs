namespace MLExtensions.AutoML;

/// <summary>
/// Grid search with ML.NET's semantics: each continuous dimension takes i/step for i = 0…step − 1, each categorical
/// dimension each of its choices, in the Cartesian product (the last dimension varies fastest); the grid restarts when
/// it is exhausted. In a conditional space only active dimensions are enumerated: each branch of a one-of contributes
/// its own sub-grid, so no point differs only in an inactive dimension.
/// </summary>
public sealed class GridSearchTuner : ITuner
{
    private readonly SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureDimension> _dimensions;
    private readonly int _step;
    private IEnumerator<double[]> _grid;

    /// <summary>Creates a grid search over <paramref name="searchSpace"/>.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="step">Grid points per continuous dimension (at least 1). Default: 10.</param>
    public GridSearchTuner(SearchSpace searchSpace, int step = 10)
    {
        _dimensions = ConditionalFeatures.Validate(searchSpace, nameof(searchSpace));
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "GridSearchTuner step must be >= 1.");
        }

        _searchSpace = searchSpace;
        _step = step;
        _grid = Enumerate().GetEnumerator();
    }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _searchSpace.SampleFromFeatureSpace(ProposePoint());
    }

    /// <inheritdoc/>
    public void Update(TrialResult result) => ArgumentNullException.ThrowIfNull(result);

    /// <summary>The next grid point in feature coordinates (NaN for inactive dimensions).</summary>
    internal double[] ProposePoint()
    {
        if (!_grid.MoveNext())
        {
            _grid.Dispose();
            _grid = Enumerate().GetEnumerator();
            _grid.MoveNext();
        }

        return (double[])_grid.Current.Clone();
    }

    /// <summary>All grid points, in order (lazily: the grid can be large).</summary>
    internal IEnumerable<double[]> Enumerate()
    {
        var x = new double[_dimensions.Count];
        var active = new bool[_dimensions.Count];
        return Enumerate(0, x, active);
    }

    private IEnumerable<double[]> Enumerate(int i, double[] x, bool[] active)
    {
        if (i == _dimensions.Count)
        {
            yield return x;
            yield break;
        }

        active[i] = ConditionalFeatures.IsActive(_dimensions, x, active, i);
        if (!active[i])
        {
            x[i] = double.NaN;
            foreach (double[] p in Enumerate(i + 1, x, active))
            {
                yield return p;
            }

            yield break;
        }

        int? k = _dimensions[i].ChoiceCount;
        int count = k ?? _step;
        for (int j = 0; j < count; j++)
        {
            x[i] = k is int choices ? ConditionalFeatures.ChoiceCoordinate(j, choices) : (double)j / _step;
            foreach (double[] p in Enumerate(i + 1, x, active))
            {
                yield return p;
            }
        }
    }
}
