using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class ReadySweepablesTests
{
    private sealed class Row
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }

        public float Target { get; set; }

        public uint Class { get; set; }
    }

    private static IDataView TinyData(MLContext ctx)
    {
        var random = new Random(4);
        var rows = Enumerable.Range(0, 64).Select(_ =>
        {
            var f = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            return new Row { Features = f, Label = f[0] + f[1] > 1, Target = 1 + (2 * f[0]) + f[2], Class = (uint)(f[0] * 3) };
        }).ToList();
        return ctx.Data.LoadFromEnumerable(rows);
    }

    private static void FitsFromDefaultAndSampled(SweepableEstimator sweepable, Func<MLContext, IEstimator<ITransformer>>? prefix = null)
    {
        var ctx = new MLContext(2);
        var data = TinyData(ctx);
        var ss = sweepable.SearchSpace;
        var random = new Random(9);
        var sampled = ss.SampleFromFeatureSpace(Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble() * 0.4).ToArray());
        foreach (var p in new[] { sweepable.DefaultParameter, sampled })
        {
            var estimator = sweepable.BuildFromOption(ctx, p);
            var chain = prefix is null ? estimator : prefix(ctx).Append(estimator);
            var model = chain.Fit(data);
            var scored = model.Transform(data);
            Assert.IsNotNull(scored.Schema.GetColumnOrNull("Score"), $"{sweepable.Name} {p.ToJson()}");
            var score = scored.Schema["Score"];
            var count = score.Type is VectorDataViewType
                ? scored.GetColumn<VBuffer<float>>(score).Count(v => v.DenseValues().All(float.IsFinite))
                : scored.GetColumn<float>(score).Count(float.IsFinite);
            Assert.AreEqual(64, count, $"{sweepable.Name} {p.ToJson()}: finite scores");
        }
    }

    [TestMethod]
    public void MlNetTrainersBuildAndFit()
    {
        var auto = new MLContext(1).AutoML();
        FitsFromDefaultAndSampled(auto.FastTreeBinary());
        FitsFromDefaultAndSampled(auto.LightGbmBinary());
        FitsFromDefaultAndSampled(auto.SdcaLogisticRegressionBinary());
        FitsFromDefaultAndSampled(auto.LbfgsLogisticRegressionBinary());
        FitsFromDefaultAndSampled(auto.FastTreeRegression("Target"));
        FitsFromDefaultAndSampled(auto.LightGbmRegression("Target"));
        FitsFromDefaultAndSampled(auto.SdcaRegression("Target"));
        FitsFromDefaultAndSampled(auto.LbfgsPoissonRegression("Target"));
        Func<MLContext, IEstimator<ITransformer>> key = ctx => ctx.Transforms.Conversion.MapValueToKey("ClassKey", "Class");
        foreach (var multiclass in new SweepableEstimator[]
                 {
                     auto.FastTreeOneVersusAll("ClassKey"), auto.LightGbmMulticlass("ClassKey"), auto.SdcaMaximumEntropyMulticlass("ClassKey"),
                     auto.LbfgsMaximumEntropyMulticlass("ClassKey"),
                 })
        {
            FitsFromDefaultAndSampled(multiclass, key);
            // They learn the class (floor(3 f0)), not another column of the data (the binary Label is f0 + f1 > 1).
            var ctx = new MLContext(2);
            var data = TinyData(ctx);
            // The trees at their defaults, the linear models at their weakest regularization (64 rows cannot carry L1 = 1).
            var p = multiclass.Name.Contains("MaximumEntropy", StringComparison.Ordinal)
                ? multiclass.SearchSpace.SampleFromFeatureSpace(new double[multiclass.SearchSpace.FeatureSpaceDim])
                : multiclass.DefaultParameter;
            var model = key(ctx).Append(multiclass.BuildFromOption(ctx, p)).Fit(data);
            double accuracy = ctx.MulticlassClassification.Evaluate(model.Transform(data), "ClassKey").MicroAccuracy;
            Assert.IsTrue(accuracy > 0.8, $"{multiclass.Name}: training accuracy {accuracy}");
        }
    }

    [TestMethod]
    public void TreeLeavesAreCappedAtWhatTheRowsAllowWithoutChangingTheModel()
    {
        // 64 rows, at least 20 per leaf: no tree can have more than 3 leaves, so 30,000 sampled leaves (which LightGBM would
        // allocate buffers for) give the same model as 3.
        var ctx = new MLContext(2);
        var data = TinyData(ctx);
        var auto = ctx.AutoML();
        var lightGbm = auto.LightGbmBinary();
        var p = lightGbm.SearchSpace.SampleFromFeatureSpace(lightGbm.SearchSpace.Default);
        var option = p.AsType<LightGbmOption>();
        option.NumberOfLeaves = 30000;
        option.MinimumExampleCountPerLeaf = 20;
        var capped = (LeafCappedTreeEstimator)lightGbm.BuildFromOption(ctx, Parameter.FromObject(option));
        Assert.AreEqual(3, capped.LeavesFor(64));
        Assert.AreEqual(30000, capped.LeavesFor(10_000_000));
        Assert.AreEqual(2, capped.LeavesFor(10), "at least 2 leaves");
        var ours = capped.Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        var direct = ctx.BinaryClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options
        {
            NumberOfLeaves = 30000, MinimumExampleCountPerLeaf = 20, LearningRate = option.LearningRate, NumberOfIterations = option.NumberOfTrees,
            MaximumBinCountPerFeature = option.MaximumBinCountPerFeature,
            Booster = new Microsoft.ML.Trainers.LightGbm.GradientBooster.Options
            {
                SubsampleFraction = option.SubsampleFraction, FeatureFraction = option.FeatureFraction,
                L1Regularization = option.L1Regularization, L2Regularization = option.L2Regularization,
            },
        }).Fit(data).Transform(data).GetColumn<float>("Score").ToArray();
        CollectionAssert.AreEqual(direct, ours);
    }

    [TestMethod]
    public void NeuralTrainersBuildAndFit()
    {
        var auto = new MLContext(1).AutoML();
        FitsFromDefaultAndSampled(auto.NeuralNetworkBinary(seed: 1));
        FitsFromDefaultAndSampled(auto.NeuralNetworkRegression("Target", seed: 1));
        FitsFromDefaultAndSampled(auto.NeuralNetworkMulticlass("ClassKey", seed: 1), ctx => ctx.Transforms.Conversion.MapValueToKey("ClassKey", "Class"));
    }

    [TestMethod]
    public void DefaultSpacesMatchMicrosoftMlAutoMl()
    {
        var fastTree = new SearchSpace<FastTreeOption>();
        var leaves = (UniformIntOption)fastTree["NumberOfLeaves"];
        Assert.AreEqual((4.0, 32768.0, true, 0.0), (leaves.Min, leaves.Max, leaves.LogBase, leaves.Default[0]));
        var rate = (UniformDoubleOption)fastTree["LearningRate"];
        Assert.AreEqual((2e-10, 1.0, true), (rate.Min, rate.Max, rate.LogBase));
        Assert.AreEqual(0.1, fastTree.SampleFromFeatureSpace(fastTree.Default).LearningRate, 1e-15);
        var sdca = new MLContext(1).AutoML().SdcaLogisticRegressionBinary().TypedSearchSpace.SampleFromFeatureSpace([0.0, 0.0]);
        Assert.AreEqual(0.03125f, sdca.L2Regularization);
        var sdcaDefault = new MLContext(1).AutoML().SdcaLogisticRegressionBinary().DefaultParameter.AsType<LinearOption>();
        Assert.AreEqual((1f, 0.1f), (sdcaDefault.L1Regularization, sdcaDefault.L2Regularization));
        var neural = AutoMLCatalog.NeuralNetworkSearchSpace();
        CollectionAssert.AreEqual(
            new[] { "Activation", "BatchSize", "Dropout", "Epochs", "HiddenDepth", "HiddenWidth", "LearningRateSchedule", "Normalization", "Optimizer", "WeightDecay" },
            neural.Keys.ToArray());
        Assert.IsTrue(((UniformIntOption)neural["Epochs"]).LogBase);
    }
}
