using Microsoft.ML;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Training;

/// <summary>Training that streams chunks from the data view when the packed rows would exceed <c>MemoryBudgetBytes</c> (issue #13):
/// with one chunk it is the in-memory fit exactly, with smaller chunks it is deterministic for a seed.</summary>
[TestClass]
public sealed class StreamedTrainingTests
{
    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    /// <summary>200 rows × 4 features pack into about 4 kB (with weights); a 3,000-byte budget streams them but holds the
    /// 20% validation rows (1,500 bytes at most).</summary>
    private const long StreamingBudget = 3_000;

    private static NeuralNetworkOptionsBase Options(PredictionTask task)
    {
        NeuralNetworkOptionsBase options = task switch
        {
            PredictionTask.BinaryClassification => new NeuralNetworkBinaryTrainer.Options { ExampleWeightColumnName = "Weight" },
            PredictionTask.Regression => new NeuralNetworkRegressionTrainer.Options(),
            _ => new NeuralNetworkMulticlassTrainer.Options(),
        };
        options.HiddenLayerSizes = [6];
        options.Dropout = 0.1;
        options.Epochs = 3;
        options.BatchSize = 16;
        options.ValidationFraction = 0.2;
        options.EarlyStoppingPatience = null;
        options.Seed = 11;
        options.Device = DeviceKind.Cpu;
        options.NumberOfThreads = 1;
        return options;
    }

    private static IDataView Data(MLContext ml, PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 4).Select((r, i) =>
        {
            r.Weight = 0.5f + i % 5 * 0.25f;
            return r;
        }).ToList()),
        PredictionTask.Regression => ml.Data.LoadFromEnumerable(SyntheticData.Regression(200, 4)),
        _ => SyntheticData.MulticlassView(ml, 200, 4),
    };

    private static NeuralNetworkPredictionTransformer Fit(MLContext ml, PredictionTask task, NeuralNetworkOptionsBase options, IDataView data) =>
        options switch
        {
            NeuralNetworkBinaryTrainer.Options b => ml.BinaryClassification.Trainers.NeuralNetwork(b).Fit(data),
            NeuralNetworkRegressionTrainer.Options r => ml.Regression.Trainers.NeuralNetwork(r).Fit(data),
            NeuralNetworkMulticlassTrainer.Options m => ml.MulticlassClassification.Trainers.NeuralNetwork(m).Fit(data),
            _ => throw new ArgumentOutOfRangeException(nameof(options), task, null),
        };

    private static float[] Weights(NeuralNetworkPredictionTransformer model) => model.Model.Weights.SelectMany(w => w.Values).ToArray();

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_StreamedWithOneChunkHoldingEveryRow_IsTheInMemoryFitExactly(PredictionTask task)
    {
        var ml = new MLContext(1);
        var data = Data(ml, task);
        using var inMemory = Fit(ml, task, Options(task), data);
        var options = Options(task);
        options.MemoryBudgetBytes = StreamingBudget;
        options.StreamingChunkRows = 1_000;
        using var streamed = Fit(ml, task, options, data);

        CollectionAssert.AreEqual(inMemory.Model.History.Select(h => h.TrainingLoss).ToArray(), streamed.Model.History.Select(h => h.TrainingLoss).ToArray());
        // The validation loss can vary in its last bit between identical runs (see PackingEquivalenceTests): compared to 1e-6.
        for (int e = 0; e < 3; e++) Assert.AreEqual(inMemory.Model.History[e].ValidationLoss!.Value, streamed.Model.History[e].ValidationLoss!.Value, 1e-6);
        CollectionAssert.AreEqual(Weights(inMemory), Weights(streamed));
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_StreamedInSmallChunks_IsDeterministicForASeedAndShufflesWithinChunks(PredictionTask task)
    {
        var ml = new MLContext(1);
        var data = Data(ml, task);
        var options = Options(task);
        options.MemoryBudgetBytes = StreamingBudget;
        options.StreamingChunkRows = 40; // 160 training rows: 4 chunks; batches of 16 span none, the last chunk is whole
        using var first = Fit(ml, task, options, data);
        using var second = Fit(ml, task, options, data);
        using var inMemory = Fit(ml, task, Options(task), data);

        CollectionAssert.AreEqual(Weights(first), Weights(second), "the same seed streams the same chunks in the same order");
        CollectionAssert.AreEqual(first.Model.History.Select(h => h.TrainingLoss).ToArray(), second.Model.History.Select(h => h.TrainingLoss).ToArray());
        CollectionAssert.AreNotEqual(Weights(inMemory), Weights(first), "chunk-local shuffling is another order than one permutation of all rows");
        Assert.AreEqual(inMemory.Model.History[^1].OptimizerSteps, first.Model.History[^1].OptimizerSteps, "the same number of steps");
        Assert.AreEqual(inMemory.Model.History[0].ValidationLoss is null, first.Model.History[0].ValidationLoss is null);
    }

    [TestMethod]
    public void Fit_StreamedWithChunksThatBatchesSpan_TrainsEveryRowOncePerEpoch()
    {
        var ml = new MLContext(1);
        var data = Data(ml, PredictionTask.Regression);
        var options = Options(PredictionTask.Regression);
        options.MemoryBudgetBytes = StreamingBudget;
        options.StreamingChunkRows = 7; // batches of 16 span up to 3 chunks
        var reports = new List<TrainingProgress>();
        using var model = ml.Regression.Trainers.NeuralNetwork((NeuralNetworkRegressionTrainer.Options)options, new SynchronousProgress(reports.Add)).Fit(data);
        Assert.AreEqual(3, model.Model.History.Count);
        Assert.IsTrue(model.Model.History.All(h => h.OptimizerSteps == 10 && double.IsFinite(h.TrainingLoss)), "160 rows in 10 batches of 16");
    }

    [TestMethod]
    public void Fit_ValidationRowsBeyondHalfTheBudget_ThrowNamingValidationFraction()
    {
        var ml = new MLContext(1);
        var options = (NeuralNetworkRegressionTrainer.Options)Options(PredictionTask.Regression);
        options.MemoryBudgetBytes = 500;
        var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.NeuralNetwork(options).Fit(Data(ml, PredictionTask.Regression)));
        Assert.AreEqual("ValidationFraction", e.ParamName);
        StringAssert.Contains(e.Message, "MemoryBudgetBytes");
    }

    [TestMethod]
    public void Options_BadMemoryBudgetOrChunk_ThrowNamingTheOption()
    {
        var options = new NeuralNetworkRegressionTrainer.Options { MemoryBudgetBytes = 0 };
        Assert.AreEqual("MemoryBudgetBytes", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
        options = new NeuralNetworkRegressionTrainer.Options { StreamingChunkRows = 0 };
        Assert.AreEqual("StreamingChunkRows", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
        options = new NeuralNetworkRegressionTrainer.Options { SparseFeatures = (SparseFeatureMode)9 };
        Assert.AreEqual("SparseFeatures", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
