using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>An unknown cost prior (null) is never taken for the lowest by the ECI tuner.</summary>
[TestClass]
public sealed class CostPriorTests
{
    private static SweepableEstimator Named(string name, double? cost) =>
        new((ctx, _) => ctx.Transforms.CopyColumns(name + "Out", "Features"), new SearchSpace { ["k"] = new UniformIntOption(1, 9) }, name, cost);

    [TestMethod]
    public void ACustomEstimatorsPriorIsUnknownByDefault()
    {
        var auto = new MLContext(1).AutoML();
        Assert.IsNull(auto.CreateSweepableEstimator((c, _) => c.Transforms.CopyColumns("a", "b")).CostPrior);
        Assert.IsNull(new SweepableEstimator((c, _) => c.Transforms.CopyColumns("a", "b")).CostPrior);
        Assert.AreEqual(3.7, auto.FastTreeBinary().CostPrior);
        Assert.AreEqual(0.0, new SweepableEstimator((c, _) => c.Transforms.CopyColumns("a", "b"), costPrior: 0).CostPrior, "0: negligible");
        foreach (var bad in new[] { -1.0, double.NaN, double.PositiveInfinity })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => new SweepableEstimator((c, _) => c.Transforms.CopyColumns("a", "b"), costPrior: bad));
            Assert.AreEqual("costPrior", e.ParamName);
        }
    }

    [TestMethod]
    public void ASchemaWithAnUnknownEstimatorHasAnUnknownPriorAndAFixedFeaturizerCostsNothing()
    {
        var pipeline = new SweepablePipeline()
            .Append(new MLContext(1).Transforms.CopyColumns("F", "Features"), "Copy")
            .Append(Named("custom", null), Named("cheap", 1), Named("costly", 3.7));
        CollectionAssert.AreEqual(new double?[] { null, 1.0, 3.7 }, pipeline.Schemas.Select(pipeline.CostPriorOf).ToArray());
    }

    [TestMethod]
    public void EciGivesAnUnknownBranchTheLargestKnownPriorAndTriesTheCheapestFirst()
    {
        // ML.NET gives an unknown estimator 1, which ties with (or undercuts) the cheapest trainer: the custom one listed
        // first would be proposed first.
        var pipeline = new SweepablePipeline().Append(Named("custom", null), Named("cheap", 1), Named("costly", 3.7));
        var eci = new EciCostFrugalTuner(pipeline);
        CollectionAssert.AreEqual(new[] { 3.7, 1.0, 3.7 }, eci.CostPriors.ToArray());
        var first = eci.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreEqual("cheap", pipeline.ToString(first));

        var allUnknown = new EciCostFrugalTuner(new SweepablePipeline().Append(Named("a", null), Named("b", null)));
        CollectionAssert.AreEqual(new[] { 1.0, 1.0 }, allUnknown.CostPriors.ToArray(), "no known prior: all equal");
    }
}
