using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

/// <summary><c>Fit(trainData, validationData)</c> on the neural and GBNN trainers (issue #9): the same as <c>Options.ValidationData</c>.</summary>
[TestClass]
public sealed class FitWithValidationDataTests
{
    private static NeuralNetworkBinaryTrainer.Options NeuralOptions() => new()
    {
        HiddenLayerSizes = [8], Epochs = 12, Seed = 3, EarlyStoppingPatience = null, Optimizer = new AdamWSpec(LearningRate: 0.02),
    };

    private static GradientBoostedNeuralNetworkBinaryTrainer.Options GbnnOptions() => new()
    {
        TotalHiddenUnits = 30, UnitsPerStep = 1, MaxIterations = 30, Seed = 5, LearningRate = 0.5, EarlyStoppingPatience = null,
    };

    private static IDataView Flipped(MLContext ml, List<SyntheticData.BinaryRow> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new SyntheticData.BinaryRow { Features = r.Features, Label = !r.Label }).ToList());

    [TestMethod]
    public void NeuralFit_ValidationDataArgument_EqualsOptionsValidationData()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(120, 1));
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 2));
        var viaOptions = NeuralOptions();
        viaOptions.ValidationData = validation;
        using var a = ml.BinaryClassification.Trainers.NeuralNetwork(viaOptions).Fit(train);
        using var b = ml.BinaryClassification.Trainers.NeuralNetwork(NeuralOptions()).Fit(train, validation);

        // Within the last bits only: other tests running at the same time may change LibTorch's (process-wide) thread count.
        AssertClose(a.Model.History.Select(h => h.ValidationLoss!.Value).ToArray(), b.Model.History.Select(h => h.ValidationLoss!.Value).ToArray(), "validation loss");
        Assert.AreEqual(a.Model.BestEpoch, b.Model.BestEpoch);
        AssertClose(a.Model.GetWeight("output.weight").Values.Select(v => (double)v).ToArray(),
            b.Model.GetWeight("output.weight").Values.Select(v => (double)v).ToArray(), "output.weight");
    }

    [TestMethod]
    public void NeuralFit_FlippedValidationLabels_WorseValidationLossAndTheKeptEpochFollowsIt()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(160, 1));
        var rows = SyntheticData.Binary(80, 2);
        using var good = ml.BinaryClassification.Trainers.NeuralNetwork(NeuralOptions()).Fit(train, ml.Data.LoadFromEnumerable(rows));
        using var bad = ml.BinaryClassification.Trainers.NeuralNetwork(NeuralOptions()).Fit(train, Flipped(ml, rows));

        // The same training rows (none held out), so the training losses agree epoch by epoch; only the validation side differs.
        AssertClose(good.Model.History.Select(h => h.TrainingLoss).ToArray(), bad.Model.History.Select(h => h.TrainingLoss).ToArray(), "training loss");
        for (int e = 0; e < good.Model.History.Count; e++)
            Assert.IsGreaterThan(good.Model.History[e].ValidationLoss!.Value, bad.Model.History[e].ValidationLoss!.Value, $"epoch {e + 1}");
        foreach (var model in new[] { good, bad })
        {
            var losses = model.Model.History.Select(h => h.ValidationLoss!.Value).ToList();
            Assert.AreEqual(losses.IndexOf(losses.Min()) + 1, model.Model.BestEpoch);
        }
        Assert.AreNotEqual(good.Model.BestEpoch, bad.Model.BestEpoch);
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5 * (1 + Math.Abs(expected[i])), $"{what} [{i}]");
    }

    [TestMethod]
    public void NeuralFit_ValidationDataInBothPlaces_ThrowsNamingBoth()
    {
        var ml = new MLContext(1);
        var options = NeuralOptions();
        options.ValidationData = ml.Data.LoadFromEnumerable(SyntheticData.Binary(30, 2));
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(options);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            trainer.Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1)), ml.Data.LoadFromEnumerable(SyntheticData.Binary(30, 3))));
        Assert.AreEqual("validationData", ex.ParamName);
        StringAssert.Contains(ex.Message, "Options.ValidationData");
    }

    [TestMethod]
    public void NeuralFit_BadValidationDataArgument_IsNamedAsTheParameter()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1));
        var wrong = ml.Data.LoadFromEnumerable(SyntheticData.Regression(20, 1));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(NeuralOptions()).Fit(train, wrong));
        Assert.AreEqual("validationData", ex.ParamName);
        StringAssert.StartsWith(ex.Message, "validationData:");
    }

    public sealed class WideRegressionRow
    {
        [Microsoft.ML.Data.VectorType(SyntheticData.FeatureCount + 1)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    [TestMethod]
    public void RegressionFit_ValidationDataOfOtherWidth_NamesTheFeatureCountsOnly()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Regression(60, 1));
        var wide = ml.Data.LoadFromEnumerable(SyntheticData.Regression(20, 2)
            .Select(r => new WideRegressionRow { Features = [.. r.Features, 0f], Label = r.Label }).ToList());
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.NeuralNetwork(
            new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [4], Epochs = 1 }).Fit(train, wide));
        Assert.AreEqual($"validationData has {SyntheticData.FeatureCount + 1} features; the training data has {SyntheticData.FeatureCount}. (Parameter 'validationData')", ex.Message);
    }

    [TestMethod]
    public void GbnnFit_ValidationDataArgument_EqualsOptionsValidationData()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(120, 1));
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 2));
        var viaOptions = GbnnOptions();
        viaOptions.ValidationData = validation;
        using var a = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(viaOptions).Fit(train);
        using var b = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(GbnnOptions()).Fit(train, validation);

        Assert.AreEqual(a.Model.Steps.Count, b.Model.Steps.Count);
        CollectionAssert.AreEqual(a.Model.Steps.Select(s => s.ValidationLoss).ToArray(), b.Model.Steps.Select(s => s.ValidationLoss).ToArray());
    }

    [TestMethod]
    public void GbnnFit_FlippedValidationLabels_WorseValidationLossAndTheKeptPrefixFollowsIt()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(160, 1));
        var rows = SyntheticData.Binary(80, 2);
        using var good = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(GbnnOptions()).Fit(train, ml.Data.LoadFromEnumerable(rows));
        using var bad = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(GbnnOptions()).Fit(train, Flipped(ml, rows));

        Assert.IsGreaterThan(good.Model.Steps[0].ValidationLoss!.Value, bad.Model.Steps[0].ValidationLoss!.Value);
        // Boosting toward the true labels only raises the loss on flipped ones: the best prefix is the first step.
        Assert.HasCount(1, bad.Model.Steps);
        Assert.IsGreaterThan(1, good.Model.Steps.Count);
    }

    [TestMethod]
    public void GbnnFit_ValidationDataInBothPlaces_ThrowsNamingBoth()
    {
        var ml = new MLContext(1);
        var options = GbnnOptions();
        options.ValidationData = ml.Data.LoadFromEnumerable(SyntheticData.Binary(30, 2));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(options)
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1)), ml.Data.LoadFromEnumerable(SyntheticData.Binary(30, 3))));
        Assert.AreEqual("validationData", ex.ParamName);
    }
}
