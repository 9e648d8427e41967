using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// An experiment given no tuner searches with the default Microsoft.ML.AutoML's <c>SetPipeline</c> sets: ECI-CFO over a sweepable
/// pipeline (with its cost priors) or a space with one top-level one-of, CFO over any other space; it proposes what the explicitly set
/// tuner proposes (ECI-CFO's later choices follow measured trial times, so only its first proposal is compared). Without a tuner or a
/// search space the error names both fixes.
/// </summary>
[TestClass]
public sealed class DefaultTunerTests
{
    /// <summary>GBNN first, SDCA second: with the pipeline's cost priors (20 and 1) ECI-CFO proposes SDCA first.</summary>
    private static SweepablePipeline Families(MLContext context)
    {
        var auto = context.AutoML();
        return auto.CreateSweepablePipeline().Append(auto.GradientBoostedNeuralNetworkBinary(), auto.SdcaLogisticRegressionBinary());
    }

    private static string FirstProposal(AutoMLExperiment experiment, MLContext context) => experiment
        .SetDataset(SweepableTestData.Create(context, 80, 1), SweepableTestData.Create(context, 40, 2))
        .SetBinaryClassificationMetric().SetMaxTrials(1).SetRefit(false).SetSeed(3).Run()
        .Trials.Single().TrialSettings.Parameter.ToJson();

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public void SweepablePipelineWithoutTuner_SearchesAsEciCostFrugalWithThePipelinesPriors()
    {
        var context = new MLContext(1);
        var pipeline = Families(context);
        var byDefault = FirstProposal(new AutoMLExperiment(context).SetPipeline(pipeline), context);
        var explicitly = FirstProposal(new AutoMLExperiment(context).SetPipeline(pipeline)
            .SetTuner(new EciCostFrugalTuner(pipeline, new EciCostFrugalTunerOptions { Seed = 3 })), context);

        Assert.AreEqual(explicitly, byDefault);
        Assert.AreEqual("SdcaLogisticRegressionBinary", pipeline.ToString(Parameter.FromJson(byDefault)), "the cheap family first");
    }

    [TestMethod]
    public void FlatSpaceWithoutTuner_SearchesAsCostFrugal()
    {
        var space = new SearchSpace { ["x"] = new UniformDoubleOption(0, 1, defaultValue: 0.5) };
        string[] Run(Func<AutoMLExperiment, AutoMLExperiment> tuner)
        {
            var e = new AutoMLExperiment(new MLContext(0)).SetPipeline((c, _) => c.Transforms.CopyColumns("Copy", "Features"), space)
                .SetTrialRunner(_ => new DelegateRunner((_, x, _, _) => (x - 0.3) * (x - 0.3)));
            // SetTrialRunner replaces the pipeline but keeps its search space for the tuner.
            return tuner(e).SetRegressionMetric().SetMaxTrials(6).SetSeed(4).Run()
                .Trials.OrderBy(t => t.TrialSettings.TrialId).Select(t => t.TrialSettings.Parameter.ToJson()).ToArray();
        }

        CollectionAssert.AreEqual(Run(e => e.SetCostFrugalTuner()), Run(e => e));
    }

    [TestMethod]
    public void NoTunerAndNoSearchSpace_ThrowsNamingBothFixes()
    {
        var e = new AutoMLExperiment(new MLContext(0)).SetTrialRunner(_ => new DelegateRunner((_, x, _, _) => x)).SetRegressionMetric().SetMaxTrials(1);
        var message = Assert.ThrowsExactly<InvalidOperationException>(() => e.Run()).Message;
        StringAssert.Contains(message, "SetPipeline");
        StringAssert.Contains(message, "SetTuner");
    }
}
