using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace MLExtensions.Tests.Trainers;

/// <summary>Fits sharing a process: each run draws from its own generators, and the thread count is bounded and restored.</summary>
[TestClass]
public sealed class NeuralNetworkConcurrencyTests
{
    private static NeuralNetworkBinaryTrainer.Options WithDropout(int seed) => new()
    {
        HiddenLayerSizes = [16, 8], Epochs = 6, BatchSize = 32, Seed = seed, Dropout = 0.3, ValidationFraction = 0.2, EarlyStoppingPatience = null,
    };

    private static (float[] Weights, float[] Scores) Fit(int seed, IProgress<TrainingProgress>? progress)
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(400, seed));
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(WithDropout(seed), progress).Fit(train);
        var scores = model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 99))).GetColumn<float>("Score").ToArray();
        return (model.Model.Weights.SelectMany(w => w.Values).ToArray(), scores);
    }

    [TestMethod]
    public void ConcurrentFitsWithDropout_EqualTheSameFitsRunOneAfterTheOther()
    {
        var sequential = new[] { Fit(1, null), Fit(2, null) };

        // Both fits start together and wait for each other after every epoch, so their batches interleave throughout.
        using var barrier = new Barrier(2);
        var progress = new SyncProgress<TrainingProgress>(_ => barrier.SignalAndWait(TimeSpan.FromSeconds(60)));
        var concurrent = new (float[] Weights, float[] Scores)[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            barrier.SignalAndWait(TimeSpan.FromSeconds(60));
            concurrent[i] = Fit(i + 1, progress);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (int i = 0; i < 2; i++)
        {
            CollectionAssert.AreEqual(sequential[i].Weights, concurrent[i].Weights, $"fit {i + 1}: weights differ");
            CollectionAssert.AreEqual(sequential[i].Scores, concurrent[i].Scores, $"fit {i + 1}: scores differ");
        }
    }

    [TestMethod]
    public void Fit_SameSeedWithDropout_SameModelWhateverTheGlobalGenerator()
    {
        torch.random.manual_seed(123);
        var first = Fit(5, null);
        torch.random.manual_seed(456);
        using (torch.rand(1000)) { }
        var second = Fit(5, null);
        CollectionAssert.AreEqual(first.Weights, second.Weights);
    }

    [TestMethod]
    public void Constructor_NumberOfThreadsAboveProcessorCount_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new NeuralNetworkBinaryTrainer(new() { NumberOfThreads = Environment.ProcessorCount + 1 }));
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.NumberOfThreads), ex.ParamName);
        StringAssert.Contains(ex.Message, Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int OtherThreadCount(int current)
    {
        if (current != 1) return 1;
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("Needs 2 processors to set a thread count other than the current one.");
        return 2;
    }

    [TestMethod]
    public void Fit_NumberOfThreads_AppliesDuringTheFitAndIsRestoredAfter()
    {
        int before = torch.get_num_threads();
        int asked = OtherThreadCount(before);
        var ml = new MLContext(1);
        var options = WithDropout(1);
        options.NumberOfThreads = asked;
        var during = new List<int>();
        using (ml.BinaryClassification.Trainers.NeuralNetwork(options, new SyncProgress<TrainingProgress>(_ => during.Add(torch.get_num_threads())))
                   .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1))))
        {
        }
        Assert.IsTrue(during.Count > 0 && during.All(n => n == asked), $"asked {asked}, saw {string.Join(", ", during)}");
        Assert.AreEqual(before, torch.get_num_threads(), "the thread count was not restored");
    }

    [TestMethod]
    public void Fit_NumberOfThreads_IsRestoredAfterCancelledFit()
    {
        int before = torch.get_num_threads();
        var ml = new MLContext(1);
        var options = WithDropout(1);
        options.NumberOfThreads = OtherThreadCount(before);
        using var cancellation = new CancellationTokenSource();
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(options, new SyncProgress<TrainingProgress>(_ => cancellation.Cancel()));
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)), cancellation.Token));
        Assert.AreEqual(before, torch.get_num_threads(), "the thread count was not restored");
    }
}
