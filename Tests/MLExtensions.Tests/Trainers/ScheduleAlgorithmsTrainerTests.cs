using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

/// <summary>The hypergradient and LANTON schedules and width transfer, selected through a trainer's options.</summary>
[TestClass]
public sealed class ScheduleAlgorithmsTrainerTests
{
    private static (double Auc, IReadOnlyList<EpochRecord> History) Fit(Action<NeuralNetworkBinaryTrainer.Options> configure)
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [16], Epochs = 15, BatchSize = 32, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        configure(options);
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(400, 1)));
        var auc = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2)))).AreaUnderRocCurve;
        return (auc, model.Model.History);
    }

    [TestMethod]
    public void Fit_WidthTransfer_ScalesTheMatrixRateAndLearns()
    {
        var (auc, history) = Fit(o =>
        {
            o.HiddenLayerSizes = [32];
            o.Optimizer = new AdamWSpec(LearningRate: 4e-3);
            o.WidthTransfer = new WidthTransferSpec(BaseWidth: 8);
        });
        Assert.IsTrue(auc > 0.8, $"AUC {auc}");
        Assert.AreEqual(1e-3, history[0].LearningRate, 1e-15, "the history shows the first group's rate: the matrices', 4e-3 × 8/32");
    }

    [TestMethod]
    public void Options_WidthTransferWithoutHiddenLayers_Throws()
    {
        var options = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [], WidthTransfer = new WidthTransferSpec(8) };
        Assert.AreEqual("WidthTransfer", Assert.ThrowsExactly<ArgumentException>(options.Validate).ParamName);
        options.HiddenLayerSizes = [4];
        options.WidthTransfer = new WidthTransferSpec(0);
        Assert.AreEqual("BaseWidth", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    [TestMethod]
    public void Fit_HypergradientSchedule_AdaptsTheRateAndLearns()
    {
        var (auc, history) = Fit(o => o.LearningRateSchedule = new HypergradientSchedule(Beta: 0.05));
        Assert.IsTrue(auc > 0.8, $"AUC {auc}");
        Assert.IsTrue(history.Select(h => h.LearningRate).Distinct().Count() > 1, "the per-epoch learning rate must move");
        Assert.IsTrue(history.All(h => h.LearningRate >= 1e-4 - 1e-18 && h.LearningRate <= 1e-2 + 1e-18), "within [MinFactor, MaxFactor] × 1e-3");
    }

    [TestMethod]
    public void Fit_LantonOnMuon_Learns()
    {
        var (auc, history) = Fit(o =>
        {
            o.HiddenLayerSizes = [16, 16];
            o.Optimizer = new MuonSpec();
            o.LearningRateSchedule = new LantonSchedule(new CosineSchedule());
        });
        Assert.IsTrue(auc > 0.8, $"AUC {auc}");
        Assert.IsTrue(history.All(h => double.IsFinite(h.LearningRate) && h.LearningRate <= 0.02 + 1e-15), "form A never exceeds the group's rate");
    }
}
