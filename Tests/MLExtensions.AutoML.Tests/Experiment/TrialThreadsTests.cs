using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Parallel trials split the cores among their neural trainers instead of each asking LibTorch for all of them.</summary>
[TestClass]
public sealed class TrialThreadsTests
{
    private static readonly SearchSpace Space = new(new KeyValuePair<string, OptionBase>("Hidden", new UniformIntOption(2, 4)));

    private static async Task<List<int?>> ThreadsSeenByTheBuilds(int parallelism)
    {
        var context = new MLContext(1);
        var seen = new List<int?>();
        await new AutoMLExperiment(context)
            .SetPipeline((c, p) =>
            {
                lock (seen) seen.Add(TrialScope.NumberOfThreads);
                return c.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
                {
                    HiddenLayerSizes = [p["Hidden"].AsType<int>()], Epochs = 1, BatchSize = 16, EarlyStoppingPatience = null, Seed = 1,
                    NumberOfThreads = TrialScope.NumberOfThreads ?? 1,
                }, TrialScope.TrainingProgress);
            }, Space)
            .SetDataset(PipelineExperimentTests.Data(context, 80, 1), fold: 2)
            .SetBinaryClassificationMetric(BinaryClassificationMetric.Accuracy)
            .SetRandomSearchTuner(seed: 1)
            .SetParallelism(parallelism).SetMaxTrials(4).SetSeed(2).RunAsync();
        return seen;
    }

    [TestMethod]
    public async Task ParallelTrialsGiveEachTrainerItsShareOfTheCores()
    {
        var seen = await ThreadsSeenByTheBuilds(parallelism: 2);
        int expected = Math.Max(1, Environment.ProcessorCount / 2);
        Assert.AreEqual(4 * 2 + 1, seen.Count, "4 trials × 2 folds, then the refit");
        Assert.AreEqual(8, seen.Count(t => t == expected), $"every fold of every trial gets {expected}: {string.Join(", ", seen)}");
        Assert.AreEqual(1, seen.Count(t => t is null), "the refit runs outside a trial and keeps the trainer's own setting");
    }

    [TestMethod]
    public async Task OneTrialAtATimeKeepsTheTrainersOwnSetting()
    {
        var seen = await ThreadsSeenByTheBuilds(parallelism: 1);
        Assert.IsTrue(seen.All(t => t is null), string.Join(", ", seen));
    }

    [TestMethod]
    public void TheNeuralSweepableAppliesTheTrialsThreads()
    {
        var space = AutoMLCatalog.NeuralNetworkSearchSpace();
        var parameter = space.SampleFromFeatureSpace(space.Default);
        var outside = AutoMLCatalog.ApplyNeuralNetworkParameter(new NeuralNetworkBinaryTrainer.Options { NumberOfThreads = 2 }, parameter, "Label", "Features", 1, 100);
        Assert.AreEqual(2, outside.NumberOfThreads, "outside a trial the options keep their own count");
        using (TrialScope.Enter(new TrialSettings { Parameter = parameter, NumberOfThreads = 1 }, isMaximize: true, CancellationToken.None))
        {
            var inside = AutoMLCatalog.ApplyNeuralNetworkParameter(new NeuralNetworkBinaryTrainer.Options { NumberOfThreads = 2 }, parameter, "Label", "Features", 1, 100);
            Assert.AreEqual(1, inside.NumberOfThreads);
        }
    }

    [TestMethod]
    public void WorkerThreadsMustBePositive()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrialWorkerOptions { NumberOfThreads = 0 }.Check());
        StringAssert.Contains(e.Message, "NumberOfThreads");
    }
}
