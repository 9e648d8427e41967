namespace MLExtensions.AutoML;

/// <summary>Options of <see cref="EciCostFrugalTuner"/>.</summary>
public sealed class EciCostFrugalTunerOptions
{
    /// <summary>Seed of the tuner's own random generator (the CFO of branch i is seeded with Seed + 1 + i). Default: 0.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// Path of the one-of option that chooses the estimator (keys joined by '.', e.g. "Trainer"). Default: null, the only
    /// top-level one-of option of the space.
    /// </summary>
    public string? EstimatorKey { get; set; }

    /// <summary>
    /// Relative cost of one trial of each branch (by branch name), e.g. 1 for a linear model, 10 for a neural network; used
    /// until the branch has run. A branch without a prior gets the largest prior given (1 when none is given), never the
    /// lowest. Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, double>? CostPriors { get; set; }

    /// <summary>Start point of the branches' CFO searches (see <see cref="CostFrugalTunerOptions.InitialParameter"/>). Default: the space's default.</summary>
    public Parameter? InitialParameter { get; set; }

    /// <summary>Per-dimension low-cost hints (see <see cref="CostFrugalTunerOptions.LowCostHints"/>). Default: none.</summary>
    public IReadOnlyDictionary<string, double>? LowCostHints { get; set; }
}
