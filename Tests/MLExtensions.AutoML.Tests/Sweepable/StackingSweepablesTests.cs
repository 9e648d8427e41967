using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The stacking sweepables: a space over the combiner (one-of) and the folds, mapped to the Stacking combiners.</summary>
[TestClass]
public sealed class StackingSweepablesTests
{
    private static IEnumerable<IEstimator<ITransformer>> BinaryBases(MLContext c) =>
    [
        c.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 20),
        c.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 5),
    ];

    private static IEnumerable<IEstimator<ITransformer>> RegressionBases(MLContext c) =>
    [
        c.Regression.Trainers.Sdca(labelColumnName: "Target", maximumNumberOfIterations: 20),
        c.Regression.Trainers.FastTree(labelColumnName: "Target", numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 5),
    ];

    [TestMethod]
    public void TheSpaceIsACombinerOneOfAndTheFolds()
    {
        var auto = new MLContext(1).AutoML();
        var binary = auto.StackingEnsembleBinary(BinaryBases);
        CollectionAssert.AreEqual(new[] { "Combiner", "Folds" }, binary.SearchSpace.Keys.ToArray());
        var combiner = (OneOfOption)binary.SearchSpace["Combiner"];
        CollectionAssert.AreEquivalent(new[] { "average", "best_single", "greedy", "meta_learning" }, combiner.Branches.Select(b => b.Key).ToArray());
        var regression = (OneOfOption)auto.StackingEnsembleRegression(RegressionBases).SearchSpace["Combiner"];
        CollectionAssert.AreEquivalent(new[] { "average", "best_single", "greedy", "inverse_rmse", "meta_learning", "ridge" }, regression.Branches.Select(b => b.Key).ToArray());
        CollectionAssert.AreEqual(new object[] { 3, 5, 10 }, ((ChoiceOption)binary.SearchSpace["Folds"]).Choices);

        var d = binary.DefaultParameter;
        Assert.AreEqual("meta_learning", d["Combiner"]["Kind"].AsType<string>(), "the library's default combiner");
        Assert.IsTrue(d["Combiner"]["UseRedundancyProjection"].AsType<bool>());
        Assert.IsTrue(d["Combiner"]["UseMetaFeatures"].AsType<bool>());
        Assert.AreEqual("All", d["Combiner"]["MetaModels"].AsType<string>());
        Assert.AreEqual(5, d["Folds"].AsType<int>());
        Assert.IsNull(binary.CostPrior, "unknown without the bases' prior");
        Assert.AreEqual(12.0, auto.StackingEnsembleBinary(BinaryBases, baseCostPrior: 2).CostPrior, "six fits of the bases");
    }

    [TestMethod]
    public void EveryCombinerBranchMapsToItsCombiner()
    {
        Parameter P(string json) => Parameter.FromJson(json);
        Assert.IsInstanceOfType<RegularizedLogisticMetaLearningCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"meta_learning","UseRedundancyProjection":false,"UseMetaFeatures":true,"MetaModels":"Lasso"},"Folds":5}"""), binary: true));
        Assert.IsInstanceOfType<RegularizedMetaLearningCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"meta_learning","UseRedundancyProjection":true,"UseMetaFeatures":false,"MetaModels":"Ridge"},"Folds":5}"""), binary: false));
        var greedy = AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"greedy","Iterations":17,"MaxInitialModels":3},"Folds":5}"""), binary: true);
        Assert.IsInstanceOfType<GreedyEnsembleSelectionCombiner>(greedy);
        Assert.IsInstanceOfType<BestSingleModelCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"best_single"},"Folds":5}"""), binary: true));
        Assert.IsInstanceOfType<SimpleAverageCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"average"},"Folds":5}"""), binary: true));
        Assert.IsInstanceOfType<RidgeStackingCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"ridge"},"Folds":5}"""), binary: false));
        Assert.IsInstanceOfType<InverseRmseAverageCombiner>(AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"inverse_rmse"},"Folds":5}"""), binary: false));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AutoMLCatalog.Combiner(P("""{"Combiner":{"Kind":"ridge"},"Folds":5}"""), binary: true)).Message, "'ridge'");
    }

    [TestMethod]
    public void BinaryAndRegressionStacksFitFromTheDefaultAndOtherCombiners()
    {
        var auto = new MLContext(1).AutoML();
        var binary = auto.StackingEnsembleBinary(BinaryBases);
        SweepableTestData.FitsWithFiniteScores(binary, binary.DefaultParameter);
        SweepableTestData.FitsWithFiniteScores(binary, Parameter.FromJson("""{"Combiner":{"Kind":"greedy","Iterations":20,"MaxInitialModels":2},"Folds":3}"""));
        var regression = auto.StackingEnsembleRegression(RegressionBases, "Target");
        SweepableTestData.FitsWithFiniteScores(regression, Parameter.FromJson("""{"Combiner":{"Kind":"ridge"},"Folds":3}"""));
        SweepableTestData.FitsWithFiniteScores(regression, regression.DefaultParameter);
    }
}
