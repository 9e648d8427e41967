using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>One experiment choosing among model families: SDCA, GBNN and a stacking ensemble in one sweepable pipeline.</summary>
[TestClass]
public sealed class ModelFamiliesExperimentTests
{
    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task ARandomSearchOverThreeFamiliesRunsEachAndKeepsTheBest()
    {
        var context = new MLContext(1);
        var auto = context.AutoML();
        var pipeline = auto.CreateSweepablePipeline().Append(
            auto.SdcaLogisticRegressionBinary(),
            auto.GradientBoostedNeuralNetworkBinary(seed: 1),
            auto.StackingEnsembleBinary(c =>
            [
                c.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 20),
                c.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 5),
            ], baseCostPrior: 4.7));
        var result = await new AutoMLExperiment(context)
            .SetPipeline(pipeline)
            .SetDataset(SweepableTestData.Create(context, 120, 1), SweepableTestData.Create(context, 60, 2))
            .SetBinaryClassificationMetric()
            .SetRandomSearchTuner(seed: 5)
            .SetMaxTrials(8).SetRefit(false).RunAsync();

        var families = result.Trials.GroupBy(t => pipeline.ToString(t.TrialSettings.Parameter)).ToDictionary(g => g.Key, g => g.ToList());
        CollectionAssert.AreEquivalent(
            new[] { "SdcaLogisticRegressionBinary", "GradientBoostedNeuralNetworkBinary", "StackingEnsembleBinary" },
            families.Keys.ToArray(), $"every family was tried: {string.Join(", ", families.Keys)}");
        var failed = result.Trials.Where(t => t.State != TrialState.Complete).Select(t => $"{t.TrialSettings.Parameter.ToJson()}: {t.State} {t.Exception?.Message}").ToArray();
        Assert.AreEqual(0, failed.Length, string.Join("; ", failed));
        Assert.IsTrue(families["GradientBoostedNeuralNetworkBinary"].All(t => t.IntermediateValues.Count > 0), "GBNN reported its boosting steps");
        var best = result.Trials.MaxBy(t => t.Metric)!;
        Assert.AreEqual(best.TrialSettings.TrialId, result.BestTrial!.TrialSettings.TrialId);
        Assert.IsTrue(best.Metric > 0.7, $"the best AUC {best.Metric}");
    }

    [TestMethod]
    public void EciPrefersTheCheapFamilyFirstAndKnowsGbnnIsCostly()
    {
        var auto = new MLContext(1).AutoML();
        var pipeline = auto.CreateSweepablePipeline().Append(
            auto.GradientBoostedNeuralNetworkBinary(), auto.SdcaLogisticRegressionBinary(), auto.StackingEnsembleBinary(c => [c.BinaryClassification.Trainers.SdcaLogisticRegression()]));
        var eci = new EciCostFrugalTuner(pipeline);
        CollectionAssert.AreEqual(new[] { 20.0, 1.0, 20.0 }, eci.CostPriors.ToArray(), "stacking without a base prior is unknown: the largest known");
        Assert.AreEqual("SdcaLogisticRegressionBinary", pipeline.ToString(eci.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() })));
    }
}
