using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Trainers;
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
            Normalization = MLExtensions.Networks.NormalizationKind.BatchNorm,
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensors();
        using (var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(data))
            model.Transform(data).GetColumn<float>("Score").ToArray();
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
}
