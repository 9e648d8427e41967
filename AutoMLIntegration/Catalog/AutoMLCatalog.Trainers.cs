using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace MLExtensions.AutoML;

#pragma warning disable CA1822 // catalog methods are instance members reached through mlContext.AutoML(), as in ML.NET

/// <summary>The ready sweepables: our trainers and ML.NET's, each with its documented default space and a cost prior
/// (relative to SDCA = 1; FastTree's 3.7 is ML.NET ECI's own prior, the others are our estimates).</summary>
public sealed partial class AutoMLCatalog
{
    /// <summary>FastTree binary classification over <see cref="FastTreeOption"/>'s space.</summary>
    public SweepableEstimator<FastTreeOption> FastTreeBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.BinaryClassification.Trainers.FastTree(FastTree<FastTreeBinaryTrainer.Options>(o, leaves, labelColumnName, featureColumnName))),
            null, "FastTreeBinary", 3.7);

    /// <summary>FastTree regression over <see cref="FastTreeOption"/>'s space.</summary>
    public SweepableEstimator<FastTreeOption> FastTreeRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.Regression.Trainers.FastTree(FastTree<FastTreeRegressionTrainer.Options>(o, leaves, labelColumnName, featureColumnName))),
            null, "FastTreeRegression", 3.7);

    /// <summary>LightGBM binary classification over <see cref="LightGbmOption"/>'s space.</summary>
    public SweepableEstimator<LightGbmOption> LightGbmBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, LearningRate = o.LearningRate, NumberOfIterations = o.NumberOfTrees,
            MaximumBinCountPerFeature = o.MaximumBinCountPerFeature, Booster = Booster(o),
        })), null, "LightGbmBinary", 2);

    /// <summary>LightGBM regression over <see cref="LightGbmOption"/>'s space.</summary>
    public SweepableEstimator<LightGbmOption> LightGbmRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, LearningRate = o.LearningRate, NumberOfIterations = o.NumberOfTrees,
            MaximumBinCountPerFeature = o.MaximumBinCountPerFeature, Booster = Booster(o),
        })), null, "LightGbmRegression", 2);

    /// <summary>SDCA logistic regression over <see cref="LinearOption"/>'s space (L2 default 0.1, as ML.NET's SDCA space).</summary>
    public SweepableEstimator<LinearOption> SdcaLogisticRegressionBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), SdcaSpace(), "SdcaLogisticRegressionBinary", 1);

    /// <summary>SDCA regression over <see cref="LinearOption"/>'s space (L2 default 0.1).</summary>
    public SweepableEstimator<LinearOption> SdcaRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), SdcaSpace(), "SdcaRegression", 1);

    /// <summary>L-BFGS logistic regression over <see cref="LinearOption"/>'s space.</summary>
    public SweepableEstimator<LinearOption> LbfgsLogisticRegressionBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), null, "LbfgsLogisticRegressionBinary", 1);

    /// <summary>L-BFGS Poisson regression over <see cref="LinearOption"/>'s space.</summary>
    public SweepableEstimator<LinearOption> LbfgsPoissonRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.Regression.Trainers.LbfgsPoissonRegression(new LbfgsPoissonRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), null, "LbfgsPoissonRegression", 1);

    /// <summary>FastTree one-versus-all multiclass classification over <see cref="FastTreeOption"/>'s space (one binary
    /// FastTree per class on the same label column, which one-versus-all turns into each class's yes/no, as Microsoft.ML.AutoML's
    /// <c>FastTreeOva</c>); the label must be a key.</summary>
    public SweepableEstimator<FastTreeOption> FastTreeOneVersusAll(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.MulticlassClassification.Trainers.OneVersusAll(
            ctx.BinaryClassification.Trainers.FastTree(FastTree<FastTreeBinaryTrainer.Options>(o, leaves, labelColumnName, featureColumnName)), labelColumnName)),
            null, "FastTreeOneVersusAll", 3.7 * 4);

    /// <summary>LightGBM multiclass classification over <see cref="LightGbmOption"/>'s space; the label must be a key.</summary>
    public SweepableEstimator<LightGbmOption> LightGbmMulticlass(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => Capped(o, leaves => ctx.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf, LearningRate = o.LearningRate, NumberOfIterations = o.NumberOfTrees,
            MaximumBinCountPerFeature = o.MaximumBinCountPerFeature, Booster = Booster(o),
        })), null, "LightGbmMulticlass", 2 * 4);

    /// <summary>SDCA maximum-entropy (softmax) multiclass classification over <see cref="LinearOption"/>'s space (L2 default 0.1);
    /// the label must be a key.</summary>
    public SweepableEstimator<LinearOption> SdcaMaximumEntropyMulticlass(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), SdcaSpace(), "SdcaMaximumEntropyMulticlass", 1 * 4);

    /// <summary>L-BFGS maximum-entropy (multinomial logistic) classification over <see cref="LinearOption"/>'s space; the label
    /// must be a key.</summary>
    public SweepableEstimator<LinearOption> LbfgsMaximumEntropyMulticlass(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features) =>
        new((ctx, o) => ctx.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization,
        }), null, "LbfgsMaximumEntropyMulticlass", 1 * 4);

    private static SearchSpace<LinearOption> SdcaSpace()
    {
        var space = new SearchSpace<LinearOption>();
        space["L2Regularization"] = new UniformSingleOption(0.03125f, 32768f, logBase: true, defaultValue: 0.1f);
        return space;
    }

    private static LeafCappedTreeEstimator Capped(FastTreeOption o, Func<int, IEstimator<ITransformer>> create) =>
        new(create, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf);

    private static LeafCappedTreeEstimator Capped(LightGbmOption o, Func<int, IEstimator<ITransformer>> create) =>
        new(create, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf);

    private static T FastTree<T>(FastTreeOption o, int leaves, string label, string features)
        where T : BoostedTreeOptions, new() => new()
        {
            LabelColumnName = label,
            FeatureColumnName = features,
            NumberOfLeaves = leaves,
            MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
            NumberOfTrees = o.NumberOfTrees,
            MaximumBinCountPerFeature = o.MaximumBinCountPerFeature,
            FeatureFraction = o.FeatureFraction,
            LearningRate = o.LearningRate,
        };

    private static GradientBooster.Options Booster(LightGbmOption o) => new()
    {
        SubsampleFraction = o.SubsampleFraction,
        FeatureFraction = o.FeatureFraction,
        L1Regularization = o.L1Regularization,
        L2Regularization = o.L2Regularization,
    };
}
#pragma warning restore CA1822
