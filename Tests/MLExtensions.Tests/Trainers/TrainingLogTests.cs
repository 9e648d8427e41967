using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

[TestClass]
public sealed class TrainingLogTests
{
    [TestMethod]
    public void CreateTrainingLog_Fit_OneLogLinePerEpochAndForwards()
    {
        var ml = new MLContext(1);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Source == "NeuralNetwork" && e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info) lines.Add(e.RawMessage); };
        var forwarded = new List<TrainingProgress>();
        var options = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [4], Epochs = 3, Seed = 1, EarlyStoppingPatience = null };
        using var model = ml.BinaryClassification.Trainers
            .NeuralNetwork(options, ml.CreateTrainingLog(next: new SyncProgress<TrainingProgress>(forwarded.Add)))
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        Assert.AreEqual(3, lines.Count, string.Join("\n", lines));
        StringAssert.StartsWith(lines[2], "epoch 3/3: loss ");
        Assert.AreEqual(3, forwarded.Count);
    }
}
