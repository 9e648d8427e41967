using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The gradient-boosted neural network sweepables: their space, fits, and per-step reports that a pruner can act on.</summary>
[TestClass]
public sealed class GbnnSweepablesTests
{
    [TestMethod]
    public void TheSpaceIsCentredOnTheTrainersDefaults()
    {
        var sweepable = new MLContext(1).AutoML().GradientBoostedNeuralNetworkBinary();
        var space = sweepable.SearchSpace;
        CollectionAssert.AreEqual(
            new[] { "Activation", "L2Regularization", "LearningRate", "MaxIterations", "Subsample", "TotalHiddenUnits", "UnitsPerStep" },
            space.Keys.ToArray());
        var units = (UniformIntOption)space["TotalHiddenUnits"];
        Assert.AreEqual((16.0, 4096.0, true), (units.Min, units.Max, units.LogBase));
        var rate = (UniformDoubleOption)space["LearningRate"];
        Assert.AreEqual((0.01, 1.0, true), (rate.Min, rate.Max, rate.LogBase));
        Assert.AreEqual(3, ((ChoiceOption)space["Activation"]).Choices.Length);

        var d = sweepable.DefaultParameter.AsType<GbnnOption>();
        var defaults = GradientBoostedNeuralNetworkOptionsBase.Defaults.TotalHiddenUnits;
        Assert.AreEqual(defaults, d.TotalHiddenUnits);
        Assert.AreEqual(GradientBoostedNeuralNetworkOptionsBase.Defaults.UnitsPerStep, d.UnitsPerStep);
        Assert.AreEqual(GradientBoostedNeuralNetworkOptionsBase.Defaults.LearningRate, d.LearningRate, 1e-15);
        Assert.AreEqual(GradientBoostedNeuralNetworkOptionsBase.Defaults.Subsample, d.Subsample, 1e-15);
        Assert.AreEqual(GradientBoostedNeuralNetworkOptionsBase.Defaults.L2Regularization, d.L2Regularization, 1e-18);
        Assert.AreEqual(GradientBoostedNeuralNetworkOptionsBase.Defaults.MaxIterations, d.MaxIterations);
        Assert.AreEqual(ActivationKind.Sigmoid, d.Activation);
        Assert.AreEqual(AutoMLCatalog.GradientBoostedNeuralNetworkCostPrior, sweepable.CostPrior);

        // The reference implementation's setting (200 units, one per step, learning rate 1) lies inside the space.
        var reference = new GbnnOption { TotalHiddenUnits = 200, UnitsPerStep = 1, LearningRate = 1 };
        var x = new SearchSpace<GbnnOption>().MappingToFeatureSpace(Parameter.FromObject(reference));
        Assert.IsTrue(x.All(v => v is >= 0 and <= 1));
    }

    [TestMethod]
    public void EveryTaskBuildsAndFitsFromADrawnParameter()
    {
        var auto = new MLContext(1).AutoML();
        // Small, cheap corner of the space (few units and iterations) so the test stays fast.
        var cheap = Parameter.FromObject(new GbnnOption { TotalHiddenUnits = 16, UnitsPerStep = 4, MaxIterations = 20, LearningRate = 0.3, Activation = ActivationKind.Tanh });
        SweepableTestData.FitsWithFiniteScores(auto.GradientBoostedNeuralNetworkBinary(seed: 1), cheap);
        SweepableTestData.FitsWithFiniteScores(auto.GradientBoostedNeuralNetworkRegression("Target", seed: 1), cheap);
        SweepableTestData.FitsWithFiniteScores(auto.GradientBoostedNeuralNetworkMulticlass("ClassKey", seed: 1), cheap,
            c => c.Transforms.Conversion.MapValueToKey("ClassKey", "Class"));
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task GbnnReportsEveryBoostingStepAndAPrunedTrialStopsEarly()
    {
        var context = new MLContext(1);
        var gbnn = context.AutoML().GradientBoostedNeuralNetworkBinary(seed: 3);
        // 40 steps of one unit; the early-stopping patience (20) cannot end it before step 21.
        var p = Parameter.FromObject(new GbnnOption { TotalHiddenUnits = 40, UnitsPerStep = 1, MaxIterations = 20, LearningRate = 0.3 });
        var result = await new AutoMLExperiment(context)
            .SetPipeline((c, _) => gbnn.BuildFromOption(c, p))
            .SetDataset(SweepableTestData.Create(context, 120, 1), SweepableTestData.Create(context, 60, 2))
            .SetBinaryClassificationMetric()
            .SetTuner(new FixedTuner())
            .SetPruner(new PruneAfterFirstTrialPruner(step: 3))
            .SetMaxTrials(2).SetRefit(false).RunAsync();

        var full = result.Trials[0];
        Assert.AreEqual(TrialState.Complete, full.State, full.Exception?.ToString());
        Assert.IsTrue(full.IntermediateValues.Count >= 21, $"one report per boosting step: {full.IntermediateValues.Count}");
        CollectionAssert.AreEqual(Enumerable.Range(1, full.IntermediateValues.Count).ToArray(), full.IntermediateValues.Select(v => v.Step).ToArray());
        var pruned = result.Trials[1];
        Assert.AreEqual(TrialState.Pruned, pruned.State, pruned.Exception?.ToString());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, pruned.IntermediateValues.Select(v => v.Step).ToArray(), "boosting stopped after step 3");
    }

    /// <summary>Proposes an empty parameter (the pipeline ignores it).</summary>
    private sealed class FixedTuner : ITuner
    {
        public Parameter Propose(TrialSettings settings) => Parameter.CreateNestedParameter();

        public void Update(TrialResult result)
        {
        }
    }
}
