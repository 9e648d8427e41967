using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>The default space of SDCA and L-BFGS (logistic, Poisson): Microsoft.ML.AutoML's
/// <c>sdca_search_space.json</c> / <c>lbfgs_search_space.json</c> (AUTOML-ANCHORS.md §2.7), float ranges
/// [0.03125, 32768] on a log scale. The L2 default is 0.1 for SDCA and 1 for L-BFGS (set by the catalog).</summary>
public sealed class LinearOption
{
    /// <summary>L1 regularization: [0.03125, 32768], log, default 1.</summary>
    [Range(0.03125f, 32768f, 1f, true)]
    public float L1Regularization { get; set; } = 1;

    /// <summary>L2 regularization: [0.03125, 32768], log, default 1 (SDCA's space uses 0.1).</summary>
    [Range(0.03125f, 32768f, 1f, true)]
    public float L2Regularization { get; set; } = 1;
}
