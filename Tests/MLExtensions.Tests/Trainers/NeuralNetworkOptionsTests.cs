using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

[TestClass]
public sealed class NeuralNetworkOptionsTests
{
    [TestMethod]
    [DataRow(ActivationKind.ReLU, NormalizationKind.BatchNorm)]
    [DataRow(ActivationKind.GELU, NormalizationKind.LayerNorm)]
    [DataRow(ActivationKind.Tanh, NormalizationKind.None)]
    [DataRow(ActivationKind.SiLU, NormalizationKind.LayerNorm)]
    [DataRow(ActivationKind.LeakyReLU, NormalizationKind.BatchNorm)]
    [DataRow(ActivationKind.Sigmoid, NormalizationKind.None)]
    public void Fit_EachActivationAndNormalization_Learns(ActivationKind activation, NormalizationKind normalization)
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [16], Activation = activation, Normalization = normalization, Epochs = 25, BatchSize = 32, Seed = 3,
            Optimizer = new AdamSpec(LearningRate: 0.02), LearningRateSchedule = new WarmupSchedule(new CosineSchedule(0.1), 0.1),
            GradientClipNorm = 5, WeightDecay = 1e-4,
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(500, 1)));
        var auc = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2)))).AreaUnderRocCurve;
        Assert.IsTrue(auc > 0.88, $"{activation}/{normalization}: AUC {auc}");
        Assert.AreEqual(normalization == NormalizationKind.BatchNorm, model.Model.Weights.Any(w => w.Name.EndsWith("running_mean", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Fit_Schedule_HistoryFollowsCosineToFinalFactor()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [4], Epochs = 5, BatchSize = 50, Seed = 1, EarlyStoppingPatience = null, ValidationFraction = 0,
            Optimizer = new SgdSpec(LearningRate: 0.1), LearningRateSchedule = new CosineSchedule(FinalFactor: 0.2),
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        // 2 steps per epoch, 10 steps: the last step of epoch e is step 2e - 1.
        for (int e = 1; e <= 5; e++)
            Assert.AreEqual(0.1 * new CosineSchedule(0.2).Factor(2 * e - 1, 10), model.Model.History[e - 1].LearningRate, 1e-9);
    }

    public static IEnumerable<object[]> PyTorchSchedules =>
    [
        [new StepSchedule(3, 0.5)], [new MultiStepSchedule([2, 6])], [new ExponentialSchedule(0.9)], [new CosineSchedule(0.1, PeriodSteps: 4)],
        [new CosineRestartsSchedule(3, 2)], [new LinearSchedule(0.25, 1, 4)], [new PolynomialSchedule(8, 2)],
        [new OneCycleSchedule()], [new OneCycleSchedule(0.25, Anneal: AnnealKind.Linear, ThreePhase: true)],
        [new CyclicSchedule(0.2, 2, Mode: CyclicMode.Triangular2)], [new ConstantWarmupSchedule(0.1, 3)],
        [new SequentialSchedule([new LinearSchedule(0.1, 1, 3), new CosineSchedule()], [3])],
    ];

    [TestMethod, DynamicData(nameof(PyTorchSchedules))]
    public void Fit_PyTorchSchedules_HistoryFollowsTheSchedule(LearningRateScheduleSpec schedule)
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [4], Epochs = 5, BatchSize = 50, Seed = 1, EarlyStoppingPatience = null, ValidationFraction = 0,
            Optimizer = new SgdSpec(LearningRate: 0.1), LearningRateSchedule = schedule,
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        for (int e = 1; e <= 5; e++)
            Assert.AreEqual(0.1 * schedule.Factor(2 * e - 1, 10), model.Model.History[e - 1].LearningRate, 1e-9, $"{schedule}: epoch {e}");
    }

    [TestMethod]
    public void Fit_ValidationData_UsedForValidationLoss()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], Epochs = 3, Seed = 1, EarlyStoppingPatience = null,
            ValidationData = ml.Data.LoadFromEnumerable(SyntheticData.Binary(80, 5)),
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1)));
        Assert.IsTrue(model.Model.History.All(h => h.ValidationLoss is > 0));

        // The kept weights are the best epoch's, so that epoch's validation loss is the mean log-loss of the model on ValidationData
        // (computed here from the scores, independently of the trainer); a holdout of the training rows would give another value.
        var rows = ml.Data.CreateEnumerable<SyntheticData.BinaryRow>(options.ValidationData, reuseRowObject: false).ToList();
        var scores = model.Transform(options.ValidationData).GetColumn<float>("Score").ToArray();
        double logLoss = rows.Select((r, i) => Softplus(r.Label ? -scores[i] : scores[i])).Average();
        Assert.AreEqual(logLoss, model.Model.History[model.Model.BestEpoch - 1].ValidationLoss!.Value, 1e-4);
    }

    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    [TestMethod]
    public void Fit_ValidationDataWithOtherFeatureCount_ThrowsNamingOption()
    {
        var ml = new MLContext(1);
        var other = ml.Data.LoadFromEnumerable(new[] { new NeuralNetworkBadInputTests.FloatLabelRow { Features = [1, 2] } });
        var wrong = ml.Transforms.Conversion.ConvertType("Label", "Label", Microsoft.ML.Data.DataKind.Boolean).Fit(other).Transform(other);
        var options = new NeuralNetworkBinaryTrainer.Options { Epochs = 1, ValidationData = wrong };
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1))));
        Assert.AreEqual("ValidationData", ex.ParamName);
    }

    [TestMethod]
    public void Fit_LinearModelWithoutHiddenLayers_HasOnlyOutputWeights()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [], Epochs = 40, Seed = 1, Optimizer = new AdamSpec(0.05) };
        var rows = Enumerable.Range(0, 200).Select(i => new SyntheticData.RegressionRow
        {
            Features = [i % 7, i % 5, i % 3, 1],
            Label = 3 * (i % 7) - 2 * (i % 5) + 0.5f * (i % 3) + 100,
        });
        using var model = ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows));
        CollectionAssert.AreEquivalent(new[] { "output.weight", "output.bias" }, model.Model.Weights.Select(w => w.Name).ToArray());
        var w = model.Model.GetWeight("output.weight").Values;
        Assert.AreEqual(3, w[0], 0.05);
        Assert.AreEqual(-2, w[1], 0.05);
    }
}
