namespace MLExtensions.AutoML;

/// <summary>Options of <see cref="CostFrugalTuner"/>.</summary>
public sealed class CostFrugalTunerOptions
{
    /// <summary>Seed of the tuner's own random generator. Default: 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// The low-cost start point as a parameter of the space (e.g. few trees, few leaves, few epochs). Default: null,
    /// the space's default point.
    /// </summary>
    public Parameter? InitialParameter { get; set; }

    /// <summary>
    /// Per-dimension low-cost hints: a feature dimension's <see cref="FeatureDimension.Path"/> and the coordinate in
    /// [0, 1] where it is cheapest (usually 0 for a count such as trees, leaves or epochs). Applied after
    /// <see cref="InitialParameter"/>. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, double>? LowCostHints { get; set; }

    /// <summary>The FLOW2 step's lower bound per √d (1e-4, FLAML's bound for continuous dimensions); tests raise it to reach convergence quickly.</summary>
    internal double StepLowerBound { get; set; } = Flow2Search.StepLowerBound;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    internal void Validate(IReadOnlyList<FeatureDimension> dimensions)
    {
        if (LowCostHints is null)
        {
            return;
        }

        foreach ((string path, double value) in LowCostHints)
        {
            if (!dimensions.Any(d => d.Path == path))
            {
                throw new ArgumentException($"CostFrugalTunerOptions.LowCostHints names '{path}', which is not a feature dimension of the search space; known: {string.Join(", ", dimensions.Select(d => d.Path))}.", nameof(LowCostHints));
            }

            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(LowCostHints), value, $"CostFrugalTunerOptions.LowCostHints['{path}'] must be a feature coordinate in [0, 1].");
            }
        }
    }
}
