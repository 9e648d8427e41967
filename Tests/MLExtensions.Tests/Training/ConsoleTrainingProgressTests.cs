using Microsoft.ML;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Training;

[TestClass]
public sealed class ConsoleTrainingProgressTests
{
    [TestMethod]
    public void FormatLine_Epoch_ShowsLossValidationRateTimesAndEta()
    {
        var sink = new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { Prefix = "churn", ShowProgressBar = true });
        var report = new TrainingProgress(3, 20, 0.41234, 0.43011, 0.00095, 1.2, 0.41) { ElapsedSeconds = 6 };
        // 3 of 20 epochs in 6 s: 15 % done, 6 * 0.85 / 0.15 = 34 s left.
        Assert.AreEqual("churn: epoch  3/20 [###.................]  15%  loss 0.4123  validation 0.4301  lr 9.50e-04  0.41 s  elapsed 0:06  ETA 0:34",
            sink.FormatLine(report));
    }

    [TestMethod]
    public void FormatLine_BatchAndBoostingStep_NameTheirUnits()
    {
        var sink = new ConsoleTrainingProgress();
        var batch = new TrainingProgress(2, 4, 0.5, null, 0.01, 0.3, 1.5)
        {
            Kind = TrainingProgressKind.Batch, Batch = 50, BatchCount = 200, ElapsedSeconds = 10,
        };
        // 1.25 of 4 epochs in 10 s: 22 s left.
        Assert.AreEqual("epoch 2/4 batch  50/200  loss 0.5000  lr 1.00e-02  1.50 s  elapsed 0:10  ETA 0:22", sink.FormatLine(batch));
        var step = new TrainingProgress(7, 30, 0.25, 0.3, 0.3, 0, 0.02) { Kind = TrainingProgressKind.BoostingStep };
        Assert.AreEqual("step  7/30  loss 0.2500  validation 0.3000  step length 3.00e-01  0.02 s", sink.FormatLine(step));
    }

    [TestMethod]
    public void EstimatedSecondsLeft_FromElapsedAndFractionDone()
    {
        Assert.IsNull(new TrainingProgress(1, 10, 1, null, 1, 0, 1).EstimatedSecondsLeft);
        Assert.AreEqual(90.0, new TrainingProgress(1, 10, 1, null, 1, 0, 1) { ElapsedSeconds = 10 }.EstimatedSecondsLeft!.Value, 1e-12);
        Assert.AreEqual(0.0, new TrainingProgress(10, 10, 1, null, 1, 0, 1) { ElapsedSeconds = 10 }.EstimatedSecondsLeft!.Value, 1e-12);
        Assert.AreEqual(15.0 / 16, new TrainingProgress(4, 4, 1, null, 1, 0, 1) { Kind = TrainingProgressKind.Batch, Batch = 3, BatchCount = 4 }.FractionDone, 1e-12);
        Assert.AreEqual("1:01:05", ConsoleTrainingProgress.Clock(3665));
    }

    [TestMethod]
    public void CreateConsoleProgress_Fit_WritesOneLinePerEpochAndForwards()
    {
        var ml = new MLContext(1);
        var writer = new StringWriter();
        var forwarded = new List<TrainingProgress>();
        var sink = ml.CreateConsoleProgress(new ConsoleTrainingProgress.Options { Writer = writer, Next = new SyncProgress<TrainingProgress>(forwarded.Add) });
        var options = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [4], Epochs = 3, Seed = 1, EarlyStoppingPatience = null };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options, sink).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(3, lines, writer.ToString());
        Assert.HasCount(3, forwarded);
        for (int e = 1; e <= 3; e++)
        {
            var h = model.Model.History[e - 1];
            StringAssert.StartsWith(lines[e - 1], $"epoch {e}/3  loss {h.TrainingLoss:0.0000}  validation {h.ValidationLoss:0.0000}  lr 1.00e-03");
            StringAssert.Contains(lines[e - 1], "ETA ");
            Assert.IsTrue(forwarded[e - 1].ElapsedSeconds > 0 && forwarded[e - 1].ElapsedSeconds >= (e > 1 ? forwarded[e - 2].ElapsedSeconds : 0));
        }
    }

    [TestMethod]
    public void EpochInterval_WritesEveryNthAndTheLast()
    {
        var writer = new StringWriter();
        var sink = new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { Writer = writer, EpochInterval = 3 });
        for (int e = 1; e <= 7; e++) sink.Report(new TrainingProgress(e, 7, 1, null, 1, 0, 1));
        var epochs = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 3)[1]).ToArray();
        CollectionAssert.AreEqual(new[] { "3/7", "6/7", "7/7" }, epochs);
    }

    [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheSetting()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { ProgressBarWidth = 2 }));
        StringAssert.Contains(ex.Message, "ProgressBarWidth");
        ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { EpochInterval = 0 }));
        StringAssert.Contains(ex.Message, "EpochInterval");
    }

    [TestMethod]
    public void ProgressBatchInterval_ReportsInsideEpochsWithRunningLoss()
    {
        var ml = new MLContext(1);
        var reports = new List<TrainingProgress>();
        // 100 rows, 10 % held out: 90 training rows in 9 batches of 10; a report after batches 4 and 8 of each epoch.
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [4], Epochs = 2, BatchSize = 10, Seed = 1, EarlyStoppingPatience = null, ProgressBatchInterval = 4,
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options, new SyncProgress<TrainingProgress>(reports.Add))
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        CollectionAssert.AreEqual(
            new[] { "Batch 1 4", "Batch 1 8", "Epoch 1 0", "Batch 2 4", "Batch 2 8", "Epoch 2 0" },
            reports.Select(r => $"{r.Kind} {r.Epoch} {r.Batch}").ToArray());
        Assert.IsTrue(reports.All(r => r.BatchCount == 9));
        Assert.IsTrue(reports.Where(r => r.Kind == TrainingProgressKind.Batch).All(r => r.ValidationLoss is null && r.TrainingLoss is > 0 and < 5));
        StringAssert.StartsWith(reports[0].ToString(), "epoch 1/2, batch 4/9: loss ");
    }

    [TestMethod]
    public void ProgressBatchInterval_BelowOne_ThrowsNamingOption()
    {
        var ml = new MLContext(1);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { ProgressBatchInterval = 0 }));
        Assert.AreEqual("ProgressBatchInterval", ex.ParamName);
    }

    [TestMethod]
    public void Gbnn_ReportsBoostingStepsThroughTheSameSink()
    {
        var ml = new MLContext(1);
        var writer = new StringWriter();
        var options = new GradientBoostedNeuralNetworkBinaryTrainer.Options 
        {
            TotalHiddenUnits = 6, UnitsPerStep = 2, Seed = 1, MaxIterations = 20, ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        using var model = ml.BinaryClassification.Trainers
            .GradientBoostedNeuralNetwork(options, ml.CreateConsoleProgress(new ConsoleTrainingProgress.Options { Writer = writer }))
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(3, lines, writer.ToString());
        for (int s = 1; s <= 3; s++)
        {
            StringAssert.StartsWith(lines[s - 1], $"step {s}/3  loss {model.Model.Steps[s - 1].TrainingLoss:0.0000}");
            StringAssert.Contains(lines[s - 1], "step length");
        }
    }
}
