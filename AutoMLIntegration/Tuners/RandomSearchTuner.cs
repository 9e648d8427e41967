namespace MLExtensions.AutoML;

/// <summary>
/// Uniform random search: every active dimension uniform in [0, 1] (categorical ones uniform over their choices);
/// inactive branches are never sampled. Results do not change the proposals.
/// </summary>
public sealed class RandomSearchTuner : ITuner
{
    private readonly SearchSpace _searchSpace;
    private readonly IReadOnlyList<FeatureDimension> _dimensions;
    private readonly Random _random;

    /// <summary>Creates a random search over <paramref name="searchSpace"/>.</summary>
    /// <param name="searchSpace">The space to search.</param>
    /// <param name="seed">Seed of the tuner's own generator; null for 0 (runs are reproducible by default).</param>
    public RandomSearchTuner(SearchSpace searchSpace, int? seed = null)
    {
        _dimensions = ConditionalFeatures.Validate(searchSpace, nameof(searchSpace));
        _searchSpace = searchSpace;
        _random = new Random(seed ?? 0);
    }

    /// <inheritdoc/>
    public Parameter Propose(TrialSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return _searchSpace.SampleFromFeatureSpace(ProposePoint());
    }

    /// <inheritdoc/>
    public void Update(TrialResult result) => ArgumentNullException.ThrowIfNull(result);

    /// <summary>The next point in feature coordinates (NaN for inactive dimensions).</summary>
    internal double[] ProposePoint() => ConditionalFeatures.SampleUniform(_dimensions, _random);
}
