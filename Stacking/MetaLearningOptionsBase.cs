namespace MLExtensions;

/// <summary>
/// Settings shared by the regression and binary regularized meta-learning combiners: the redundancy projection, the
/// meta-features, which meta-models are blended, the nested cross-validation and the regularization grids.
/// </summary>
/// <remarks>The fold count and grids differ per task; each derived <c>Options</c> documents its own defaults.</remarks>
public abstract class MetaLearningOptionsBase
{
    /// <summary>Stores the task's default outer fold count and grids.</summary>
    private protected MetaLearningOptionsBase(int outerFolds, double[] ridgeAlphas, double[] lassoAlphas, double[] l1Ratios)
    {
        OuterFolds = outerFolds;
        RidgeAlphas = ridgeAlphas;
        LassoAlphas = lassoAlphas;
        L1Ratios = l1Ratios;
    }

    /// <summary>Whether to run the redundancy projection first.</summary>
    /// <value>Default true.</value>
    public bool UseRedundancyProjection { get; set; } = true;

    /// <summary>Settings of the projection (applied to the base predictions or probabilities).</summary>
    /// <value>Default: correlation 0.95 on residuals, MSE and variance thresholds 0.01·Var(y).</value>
    public RedundancyProjector.Options Redundancy { get; set; } = new();

    /// <summary>Whether to append the six meta-features.</summary>
    /// <value>Default true.</value>
    public bool UseMetaFeatures { get; set; } = true;

    /// <summary>Which meta-models are fitted and blended (Ridge = L2, Lasso = L1, ElasticNet = both).</summary>
    /// <value>Default <see cref="MetaModelKinds.All"/>. Not <see cref="MetaModelKinds.None"/>.</value>
    public MetaModelKinds MetaModels { get; set; } = MetaModelKinds.All;

    /// <summary>Outer folds for the out-of-fold meta-predictions behind the blend weights.</summary>
    /// <value>Default 10 for regression (the paper's), 5 for binary classification. At least 2.</value>
    public int OuterFolds { get; set; }

    /// <summary>Inner folds of the alpha search.</summary>
    /// <value>Default 3 (the paper's). At least 2.</value>
    public int InnerFolds { get; set; } = 3;

    /// <summary>Seed of the fold shuffles.</summary>
    /// <value>Default 42 (the paper's).</value>
    public int Seed { get; set; } = 42;

    /// <summary>Ridge (L2) strengths searched.</summary>
    /// <value>Default logspace(-3, 5, 50) for regression, logspace(-5, 1, 13) per row for binary. Each at least 0.</value>
    public double[] RidgeAlphas { get; set; }

    /// <summary>Lasso and ElasticNet strengths searched.</summary>
    /// <value>Default logspace(-5, 1, 30) for regression, logspace(-5, -1, 9) per row for binary. Each at least 0.</value>
    public double[] LassoAlphas { get; set; }

    /// <summary>ElasticNet l1 ratios searched.</summary>
    /// <value>Default [0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1] for regression, [0.1, 0.5, 0.9] for binary. Each in [0, 1].</value>
    public double[] L1Ratios { get; set; }

    /// <summary>A deep copy of the derived options (projection settings and grids copied too).</summary>
    private protected T CloneAs<T>() where T : MetaLearningOptionsBase
    {
        var copy = (T)MemberwiseClone();
        copy.Redundancy = Redundancy?.Clone()!;
        copy.RidgeAlphas = (double[])RidgeAlphas?.Clone()!;
        copy.LassoAlphas = (double[])LassoAlphas?.Clone()!;
        copy.L1Ratios = (double[])L1Ratios?.Clone()!;
        return copy;
    }

    /// <summary>Checks the shared settings; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public virtual void Validate()
    {
        ArgumentNullException.ThrowIfNull(Redundancy);
        Redundancy.Validate();
        if (MetaModels == MetaModelKinds.None || (MetaModels & ~MetaModelKinds.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MetaModels), MetaModels, "must be a non-empty combination of Ridge, Lasso and ElasticNet.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(OuterFolds, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(InnerFolds, 2);
        StackingData.CheckGrid(RidgeAlphas, nameof(RidgeAlphas), unitInterval: false);
        StackingData.CheckGrid(LassoAlphas, nameof(LassoAlphas), unitInterval: false);
        StackingData.CheckGrid(L1Ratios, nameof(L1Ratios), unitInterval: true);
    }
}
