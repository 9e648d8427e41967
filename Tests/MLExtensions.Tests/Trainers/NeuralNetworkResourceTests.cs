using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace MLExtensions.Tests.Trainers;

[TestClass]
public sealed class NeuralNetworkResourceTests
{
    private static long LiveTensors() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    private static long LiveTensorsLeftBy(int epochs)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 1));
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], Epochs = epochs, BatchSize = 16, Seed = 1, EarlyStoppingPatience = null, GradientClipNorm = 1,
            Normalization = MLExtensions.NormalizationKind.BatchNorm,
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensors();
        using (var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(data))
            _ = model.Transform(data).GetColumn<float>("Score").ToArray();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return LiveTensors() - before;
    }

    [TestMethod]
    public void Fit_MoreEpochs_LeavesNoMoreLiveTensors()
    {
        // Every per-batch tensor is disposed by its scope: what training leaves alive must not grow with the epoch count.
        long afterTwo = LiveTensorsLeftBy(2);
        long afterTen = LiveTensorsLeftBy(10);
        Assert.AreEqual(afterTwo, afterTen, $"2 epochs left {afterTwo} live tensors, 10 epochs left {afterTen}");
    }

    /// <summary>Live tensors created on this thread and not disposed, after <paramref name="action"/> minus before it.</summary>
    private static long LiveTensorsLeftBy(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensors();
        action();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return LiveTensors() - before;
    }

    private static NeuralNetworkBinaryTrainer.Options Weighted() => new()
    {
        HiddenLayerSizes = [8], Epochs = 3, BatchSize = 16, Seed = 1, ValidationFraction = 0.2, EarlyStoppingPatience = null,
        ExampleWeightColumnName = "Weight", Normalization = MLExtensions.NormalizationKind.BatchNorm,
    };

    [TestMethod]
    public void FitAndDispose_Cycles_LeaveNoLiveTensors()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 1));
        for (int cycle = 1; cycle <= 3; cycle++)
        {
            long left = LiveTensorsLeftBy(() =>
            {
                using var model = ml.BinaryClassification.Trainers.NeuralNetwork(Weighted()).Fit(data);
                _ = model.Transform(data).GetColumn<float>("Score").ToArray();
            });
            Assert.AreEqual(0, left, $"cycle {cycle}: fit + Dispose left {left} live tensors");
        }
    }

    [TestMethod]
    public void CancelledFit_LeavesNoLiveTensors()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 1));
        long left = LiveTensorsLeftBy(() =>
        {
            using var cancellation = new CancellationTokenSource();
            var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(Weighted(), new SyncProgress<TrainingProgress>(_ => cancellation.Cancel()));
            Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data, cancellation.Token));
        });
        Assert.AreEqual(0, left, $"a cancelled fit left {left} live tensors");
    }

    [TestMethod]
    public void FailedFit_LeavesNoLiveTensors()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(200, 1).Select(r => new SyntheticData.RegressionRow { Features = r.Features.Select(f => f * 1e4f).ToArray(), Label = r.Label }).ToList();
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [32], Epochs = 20, Seed = 1, ValidationFraction = 0.2, EarlyStoppingPatience = null,
            Optimizer = new SgdSpec(LearningRate: 10, Momentum: 0.9),
        };
        long left = LiveTensorsLeftBy(() =>
            Assert.ThrowsExactly<InvalidOperationException>(() => ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows))));
        Assert.AreEqual(0, left, $"a failed fit left {left} live tensors");
    }
}
