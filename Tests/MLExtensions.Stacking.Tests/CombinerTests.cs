
namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class CombinerTests
{
    private static RegularizedMetaLearningCombiner.Options Fast() => new()
    {
        RidgeAlphas = [0.01, 0.1, 1, 10, 100],
        LassoAlphas = [1e-4, 1e-3, 1e-2, 1e-1],
        L1Ratios = [0.5, 1.0],
    };

    [TestMethod]
    public void Fit_RegularizedPipeline_BlendWeightsSumToOneAndAreInverseRmse()
    {
        var (p, y) = Synthetic.Library(600, [0.3, 0.4, 0.5, 0.31], seed: 11);

        var model = new RegularizedMetaLearningCombiner(Fast()).Fit(p, y);

        Assert.HasCount(3, model.Components);
        Assert.AreEqual(1.0, model.Components.Sum(c => c.BlendWeight), 1e-12);
        double product = model.Components[0].BlendWeight * model.Components[0].OutOfFoldError!.Value;
        foreach (var c in model.Components)
        {
            Assert.AreEqual(product, c.BlendWeight * c.OutOfFoldError!.Value, 1e-12, "w_m * RMSE_m is the same for every meta-model");
        }
    }

    [TestMethod]
    public void Fit_RegularizedPipeline_BeatsTheBestSingleModelOnFreshData()
    {
        var (p, y) = Synthetic.Library(4000, [0.3, 0.4, 0.5, 0.6, 0.45], seed: 12);
        var train = new PredictionMatrix(p.Names, p.Columns.Select(c => c[..2000]).ToArray());
        var test = new PredictionMatrix(p.Names, p.Columns.Select(c => c[2000..]).ToArray());

        var model = new RegularizedMetaLearningCombiner(Fast()).Fit(train, y[..2000]);

        double stacked = Rmse(model.Predict(test), y[2000..]);
        double best = test.Columns.Min(c => Rmse(c, y[2000..]));
        Assert.IsLessThan(best, stacked, $"stacked {stacked} vs best single {best}");
    }

    [TestMethod]
    public void Fit_AblationSwitches_ChangeTheDesign()
    {
        var (p, y) = Synthetic.Library(300, [0.3, 0.4, 0.5], seed: 13);

        var noMeta = new RegularizedMetaLearningCombiner(new() { UseMetaFeatures = false, MetaModels = MetaModelKinds.Ridge }).Fit(p, y);
        var meta = new RegularizedMetaLearningCombiner(new() { MetaModels = MetaModelKinds.Lasso, UseRedundancyProjection = false }).Fit(p, y);

        Assert.AreEqual(3, noMeta.FeatureCount);
        Assert.HasCount(1, noMeta.Components);
        Assert.AreEqual("Ridge", noMeta.Components[0].Name);
        Assert.AreEqual(3 + MetaFeatures.Count, meta.FeatureCount);
        Assert.IsNull(meta.Diagnostics!.Redundancy);
    }

    [TestMethod]
    public void FitCv_TestFoldRowsChanged_TrainingFoldModelUnchanged()
    {
        // The outer-fold model (scaler, alpha and coefficients) must depend on the training folds only.
        var (p, y) = Synthetic.Library(300, [0.3, 0.4, 0.5], seed: 14);
        var outer = StackingData.ShuffledFolds(300, 5, 1);
        var inner = StackingData.ShuffledFolds(300, 3, 2);
        var columns = MetaFeatures.Augment(p);
        var changedColumns = columns.Select(c => c.Select((v, i) => outer[i] == 2 ? v * 1000 + 5 : v).ToArray()).ToArray();
        var changedY = y.Select((v, i) => outer[i] == 2 ? -v * 50 : v).ToArray();

        var before = new MetaDesign(columns, y, inner, 3, outer, 5);
        var after = new MetaDesign(changedColumns, changedY, inner, 3, outer, 5);
        double[] alphas = StackingData.LogSpace(-3, 3, 13);

        var (ridgeBefore, alphaBefore) = before.FitRidgeCv(2, alphas);
        var (ridgeAfter, alphaAfter) = after.FitRidgeCv(2, alphas);
        var lassoBefore = before.FitElasticNetCv(2, [1e-3, 1e-2, 1e-1], [1.0], 1000, 1e-4, ElasticNetSolver.ActiveSet);
        var lassoAfter = after.FitElasticNetCv(2, [1e-3, 1e-2, 1e-1], [1.0], 1000, 1e-4, ElasticNetSolver.ActiveSet);
        var ridgeAll = after.FitRidgeCv(after.AllRows, alphas).Model;

        Assert.AreEqual(alphaBefore, alphaAfter);
        AssertSameModel(ridgeBefore, ridgeAfter);
        Assert.AreEqual(lassoBefore.Alpha, lassoAfter.Alpha);
        AssertSameModel(lassoBefore.Model, lassoAfter.Model);
        Assert.AreNotEqual(ridgeBefore.Intercept, ridgeAll.Intercept, 1e-6, "sanity: the changed rows do matter when they are training rows");
    }

    [TestMethod]
    public void Fit_Baselines_WeightsAreNonNegativeAndSumToOne()
    {
        var (p, y) = Synthetic.Library(300, [0.2, 0.4, 0.8], seed: 15);
        foreach (StackingCombiner combiner in new StackingCombiner[] { new SimpleAverageCombiner(), new InverseRmseAverageCombiner(), new GreedyEnsembleSelectionCombiner() })
        {
            var w = combiner.Fit(p, y).CombinedLinearModel!;
            Assert.IsTrue(w.Coefficients.All(v => v >= 0), combiner.Name);
            Assert.AreEqual(1.0, w.Coefficients.Sum(), 1e-12, combiner.Name);
            Assert.AreEqual(0.0, w.Intercept, 0.0, combiner.Name);
        }

        var inverse = new InverseRmseAverageCombiner().Fit(p, y).CombinedLinearModel!.Coefficients;
        double rmse0 = Rmse(p.Columns[0], y), rmse2 = Rmse(p.Columns[2], y);
        Assert.AreEqual(rmse2 / rmse0, inverse[0] / inverse[2], 1e-9);
    }

    [TestMethod]
    public void Fit_RidgeStacking_RecoversTheMixingWeights()
    {
        var random = new Random(16);
        var a = Synthetic.Normal(random, 2000);
        var b = Synthetic.Normal(random, 2000);
        var y = a.Select((v, i) => 0.7 * v + 0.3 * b[i] + 1.0).ToArray();
        var model = new RidgeStackingCombiner(new() { Alphas = [1e-6, 1e-3] }).Fit(new PredictionMatrix(["a", "b"], [a, b]), y);

        var w = model.CombinedLinearModel!;
        Assert.AreEqual(0.7, w.Coefficients[0], 1e-5);
        Assert.AreEqual(0.3, w.Coefficients[1], 1e-5);
        Assert.AreEqual(1.0, w.Intercept, 1e-5);
    }

    [TestMethod]
    public void Validate_NoMetaModels_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RegularizedMetaLearningCombiner(new() { MetaModels = MetaModelKinds.None }));
        Assert.AreEqual(nameof(RegularizedMetaLearningCombiner.Options.MetaModels), ex.ParamName);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(0)]
    public void Validate_TooFewOuterFolds_ThrowsNamingOption(int folds)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RegularizedMetaLearningCombiner(new() { OuterFolds = folds }));
        Assert.AreEqual(nameof(RegularizedMetaLearningCombiner.Options.OuterFolds), ex.ParamName);
    }

    [TestMethod]
    public void Validate_L1RatioOutOfRange_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RegularizedMetaLearningCombiner(new() { L1Ratios = [0.5, 1.5] }));
        Assert.AreEqual(nameof(RegularizedMetaLearningCombiner.Options.L1Ratios), ex.ParamName);
    }

    [TestMethod]
    public void Fit_LabelLengthMismatch_ThrowsArgumentException()
    {
        var (p, _) = Synthetic.Library(50, [0.3, 0.4], seed: 17);
        Assert.ThrowsExactly<ArgumentException>(() => new SimpleAverageCombiner().Fit(p, new double[49]));
    }

    [TestMethod]
    public void PredictionMatrix_NonFiniteValue_ThrowsNamingColumn()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new PredictionMatrix(["ok", "bad"], [[1.0, 2.0], [1.0, double.NaN]]));
        StringAssert.Contains(ex.Message, "'bad'");
    }

    private static void AssertSameModel(LinearModel expected, LinearModel actual)
    {
        for (int j = 0; j < expected.Coefficients.Count; j++)
        {
            Assert.AreEqual(expected.Coefficients[j], actual.Coefficients[j], 1e-8 * (1 + Math.Abs(expected.Coefficients[j])), $"coef[{j}]");
        }

        Assert.AreEqual(expected.Intercept, actual.Intercept, 1e-8 * (1 + Math.Abs(expected.Intercept)));
    }

    internal static double Rmse(IReadOnlyList<double> p, IReadOnlyList<double> y) => Math.Sqrt(p.Select((v, i) => (v - y[i]) * (v - y[i])).Average());
}
