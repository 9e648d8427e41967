using System.Diagnostics;

namespace MLExtensions;

/// <summary>The regularized meta-models of <see cref="RegularizedMetaLearningCombiner"/>.</summary>
[Flags]
public enum MetaModelKinds
{
    /// <summary>None (invalid on its own).</summary>
    None = 0,

    /// <summary>Ridge regression, alpha from <see cref="MetaLearningOptionsBase.RidgeAlphas"/>.</summary>
    Ridge = 1,

    /// <summary>Lasso, alpha from <see cref="MetaLearningOptionsBase.LassoAlphas"/>.</summary>
    Lasso = 2,

    /// <summary>Elastic net, alpha from <see cref="MetaLearningOptionsBase.LassoAlphas"/> and l1 ratio from <see cref="MetaLearningOptionsBase.L1Ratios"/>.</summary>
    ElasticNet = 4,

    /// <summary>All three (the paper's setting).</summary>
    All = Ridge | Lasso | ElasticNet,
}
