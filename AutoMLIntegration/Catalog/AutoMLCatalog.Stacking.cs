using Microsoft.ML;

namespace MLExtensions.AutoML;

#pragma warning disable CA1822 // catalog methods are instance members reached through mlContext.AutoML(), as in ML.NET

/// <summary>The stacking sweepables (documented in <c>AutoMLIntegration/README.md</c>).</summary>
public sealed partial class AutoMLCatalog
{
    /// <summary>The key of the combiner one-of in the stacking space.</summary>
    internal const string CombinerKey = "Combiner";

    /// <summary>The key of the cross-validation fold count in the stacking space.</summary>
    internal const string FoldsKey = "Folds";

    /// <summary>
    /// Stacking of binary classifiers (<see cref="StackingEnsembleEstimator"/>) over a space of combiners: the regularized
    /// logistic meta-learning pipeline (with or without its redundancy projection and meta-features, and which regularized
    /// meta-models it blends), greedy ensemble selection (its additions and sorted initialisation), the best single model and
    /// the simple average; and the folds of the out-of-fold predictions {3, 5, 10} (5). The base models are fixed.
    /// </summary>
    /// <param name="baseEstimators">Builds the base estimators in the trial's context (each writes <c>Probability</c>).</param>
    /// <param name="labelColumnName">The Boolean label column.</param>
    /// <param name="baseCostPrior">The cost prior of fitting all base estimators once (SDCA = 1); the stacking's prior is
    /// six times it (five folds and the refit). Default null: unknown.</param>
    public SweepableEstimator StackingEnsembleBinary(Func<MLContext, IEnumerable<IEstimator<ITransformer>>> baseEstimators, string labelColumnName = ColumnNames.Label, double? baseCostPrior = null)
    {
        ArgumentNullException.ThrowIfNull(baseEstimators);
        return new((ctx, p) => ctx.BinaryClassification.Trainers.StackingEnsemble(Bases(baseEstimators, ctx), labelColumnName, Combiner(p, binary: true), Folds(p)),
            StackingEnsembleSearchSpace(binary: true), "StackingEnsembleBinary", StackingPrior(baseCostPrior));
    }

    /// <summary>
    /// Stacking of regressors (<see cref="StackingEnsembleEstimator"/>) over a space of combiners: the regularized
    /// meta-learning pipeline (as for binary), ridge stacking, greedy ensemble selection, the best single model, the simple
    /// and the inverse-RMSE averages; and the folds {3, 5, 10} (5). The base models are fixed.
    /// </summary>
    /// <param name="baseEstimators">Builds the base estimators in the trial's context (each writes <c>Score</c>).</param>
    /// <param name="labelColumnName">The Single label column.</param>
    /// <param name="baseCostPrior">The cost prior of fitting all base estimators once (SDCA = 1); the stacking's prior is
    /// six times it. Default null: unknown.</param>
    public SweepableEstimator StackingEnsembleRegression(Func<MLContext, IEnumerable<IEstimator<ITransformer>>> baseEstimators, string labelColumnName = ColumnNames.Label, double? baseCostPrior = null)
    {
        ArgumentNullException.ThrowIfNull(baseEstimators);
        return new((ctx, p) => ctx.Regression.Trainers.StackingEnsemble(Bases(baseEstimators, ctx), labelColumnName, Combiner(p, binary: false), Folds(p)),
            StackingEnsembleSearchSpace(binary: false), "StackingEnsembleRegression", StackingPrior(baseCostPrior));
    }

    /// <summary>
    /// The stacking space: <c>Combiner</c>, a one-of whose default is the library's own default combiner
    /// (<c>meta_learning</c>), and <c>Folds</c>. The meta-models' alphas and l1 ratios are not searched: the combiners
    /// already choose them by inner cross-validation, so the space holds only what no inner CV decides.
    /// </summary>
    internal static SearchSpace StackingEnsembleSearchSpace(bool binary)
    {
        var branches = new List<KeyValuePair<string, SearchSpace>>
        {
            new("meta_learning", new SearchSpace
            {
                ["UseRedundancyProjection"] = new ChoiceOption([false, true], true),
                ["UseMetaFeatures"] = new ChoiceOption([false, true], true),
                ["MetaModels"] = new ChoiceOption([nameof(MetaModelKinds.All), nameof(MetaModelKinds.ElasticNet), nameof(MetaModelKinds.Lasso), nameof(MetaModelKinds.Ridge)], nameof(MetaModelKinds.All)),
            }),
            new("greedy", new SearchSpace
            {
                ["Iterations"] = new UniformIntOption(10, 200, logBase: true, defaultValue: GreedyEnsembleSelectionCombiner.Options.Defaults.Iterations),
                ["MaxInitialModels"] = new UniformIntOption(0, 25, defaultValue: GreedyEnsembleSelectionCombiner.Options.Defaults.MaxInitialModels),
            }),
            new("best_single", new SearchSpace()),
            new("average", new SearchSpace()),
        };
        if (!binary)
        {
            branches.Add(new("ridge", new SearchSpace()));
            branches.Add(new("inverse_rmse", new SearchSpace()));
        }

        return new SearchSpace
        {
            [CombinerKey] = new OneOfOption(branches, "meta_learning"),
            [FoldsKey] = new ChoiceOption([3, 5, 10], StackingEnsembleEstimator.Options.Defaults.Folds),
        };
    }

    /// <summary>The combiner of a stacking parameter.</summary>
    internal static StackingCombiner Combiner(Parameter p, bool binary)
    {
        var c = p[CombinerKey];
        string kind = c[OneOfOption.KindKey].AsType<string>();
        switch (kind)
        {
            case "meta_learning":
                bool projection = c["UseRedundancyProjection"].AsType<bool>();
                bool metaFeatures = c["UseMetaFeatures"].AsType<bool>();
                var models = Enum.Parse<MetaModelKinds>(c["MetaModels"].AsType<string>());
                return binary
                    ? new RegularizedLogisticMetaLearningCombiner(new RegularizedLogisticMetaLearningCombiner.Options { UseRedundancyProjection = projection, UseMetaFeatures = metaFeatures, MetaModels = models })
                    : new RegularizedMetaLearningCombiner(new RegularizedMetaLearningCombiner.Options { UseRedundancyProjection = projection, UseMetaFeatures = metaFeatures, MetaModels = models });
            case "greedy":
                return new GreedyEnsembleSelectionCombiner(new GreedyEnsembleSelectionCombiner.Options
                {
                    Iterations = c["Iterations"].AsType<int>(),
                    MaxInitialModels = c["MaxInitialModels"].AsType<int>(),
                });
            case "best_single":
                return new BestSingleModelCombiner();
            case "average":
                return new SimpleAverageCombiner();
            case "ridge" when !binary:
                return new RidgeStackingCombiner();
            case "inverse_rmse" when !binary:
                return new InverseRmseAverageCombiner();
            default:
                throw new ArgumentException($"Unknown stacking combiner '{kind}' for {(binary ? "binary classification" : "regression")}.", nameof(p));
        }
    }

    private static int Folds(Parameter p) => p[FoldsKey].AsType<int>();

    private static double? StackingPrior(double? baseCostPrior) =>
        baseCostPrior is { } b ? b * (StackingEnsembleEstimator.Options.Defaults.Folds + 1) : null;

    private static IEstimator<ITransformer>[] Bases(Func<MLContext, IEnumerable<IEstimator<ITransformer>>> build, MLContext context) =>
        build(context)?.ToArray() ?? throw new InvalidOperationException("The baseEstimators factory of the stacking sweepable returned null.");
}
#pragma warning restore CA1822
