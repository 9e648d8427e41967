using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>Faults and silent cases of the neural trainers: batch norm on tiny batches, non-finite validation loss, bad validation
/// data, zero weights, cancellation while packing, patience without validation, and use after <c>Dispose</c>.</summary>
[TestClass]
public sealed class NeuralNetworkFaultTests
{
    private static NeuralNetworkBinaryTrainer.Options Small() => new()
    {
        HiddenLayerSizes = [8], Epochs = 3, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null,
    };

    [TestMethod]
    public void Fit_BatchNormWithLastBatchOfOneRow_GivesFiniteModel()
    {
        // 65 rows with batch size 64: the last batch would hold one row, whose batch variance is NaN.
        var ml = new MLContext(1);
        var options = Small();
        options.Normalization = NormalizationKind.BatchNorm;
        options.BatchSize = 64;
        options.Epochs = 4;
        options.ValidationData = ml.Data.LoadFromEnumerable(SyntheticData.Binary(40, 2));
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(65, 1)));
        Assert.IsTrue(model.Model.History.All(h => double.IsFinite(h.ValidationLoss!.Value)), "validation loss not finite");
        Assert.IsTrue(model.Model.BestEpoch >= 1, $"BestEpoch {model.Model.BestEpoch}");
        Assert.IsTrue(model.Model.Weights.All(w => w.Values.All(float.IsFinite)), "a weight or running statistic is not finite");
        var scores = model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 3))).GetColumn<float>("Score").ToArray();
        Assert.IsTrue(scores.All(float.IsFinite), "a score is not finite");
    }

    [TestMethod]
    public void Constructor_BatchNormWithBatchSizeOne_ThrowsNamingBatchSize()
    {
        var options = Small();
        options.Normalization = NormalizationKind.BatchNorm;
        options.BatchSize = 1;
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(options));
        Assert.AreEqual("BatchSize", ex.ParamName);
        StringAssert.Contains(ex.Message, "BatchNorm");
    }

    [TestMethod]
    public void Fit_BatchNormWithOneTrainingRow_ThrowsNamingBatchNorm()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [4], Epochs = 2, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null, Normalization = NormalizationKind.BatchNorm,
        };
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(1, 1))));
        StringAssert.Contains(ex.Message, "BatchNorm");
    }

    [TestMethod]
    public void Fit_NonFiniteValidationLoss_ThrowsNamingEpoch()
    {
        // Finite but huge validation features overflow the network's float32 outputs: the training loss stays finite.
        var ml = new MLContext(1);
        var validation = SyntheticData.Regression(20, 2);
        validation[5].Features = [3e38f, 3e38f, 3e38f, 3e38f];
        validation[6].Features = [-3e38f, -3e38f, -3e38f, -3e38f];
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [16], Epochs = 3, Seed = 1, EarlyStoppingPatience = null, ValidationData = ml.Data.LoadFromEnumerable(validation),
        };
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() =>
            ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(100, 1))));
        StringAssert.Contains(ex.Message, "validation loss");
        StringAssert.Contains(ex.Message, "epoch 1");
    }

    [TestMethod]
    public void Fit_EmptyValidationData_ThrowsNamingValidationData()
    {
        var ml = new MLContext(1);
        var options = Small();
        options.ValidationData = ml.Data.LoadFromEnumerable(new List<SyntheticData.BinaryRow>());
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1))));
        StringAssert.Contains(ex.Message, "ValidationData has no rows");
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.ValidationData), ex.ParamName);
    }

    [TestMethod]
    public void Fit_NaNInValidationData_ThrowsNamingValidationData()
    {
        var ml = new MLContext(1);
        var validation = SyntheticData.Binary(20, 2);
        validation[4].Features[1] = float.NaN;
        var options = Small();
        options.ValidationData = ml.Data.LoadFromEnumerable(validation);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1))));
        StringAssert.Contains(ex.Message, "row 4, slot 1 of ValidationData");
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.ValidationData), ex.ParamName);
    }

    [TestMethod]
    public void Fit_ValidationDataMissingColumn_ThrowsNamingValidationData()
    {
        var ml = new MLContext(1);
        var validation = ml.Data.LoadFromEnumerable(SyntheticData.Binary(20, 2));
        var options = Small();
        options.ValidationData = ml.Transforms.DropColumns("Label").Fit(validation).Transform(validation);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1))));
        StringAssert.StartsWith(ex.Message, "ValidationData: The label column 'Label' was not found");
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.ValidationData), ex.ParamName);
    }

    [TestMethod]
    public void Fit_AllWeightsZero_ThrowsNamingWeightColumn()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(50, 1).Select(r => new SyntheticData.BinaryRow { Features = r.Features, Label = r.Label, Weight = 0 });
        var options = Small();
        options.ExampleWeightColumnName = "Weight";
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "Weight column 'Weight' is 0 on every row of the training data");
    }

    [TestMethod]
    public void Fit_ValidationSplitLeavesOnlyZeroWeights_ThrowsNamingValidationFraction()
    {
        // Unstratified regression split: only one row has a positive weight, so one side of the split has none.
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(40, 1).Select((r, i) => new WeightedRegressionRow { Features = r.Features, Label = r.Label, Weight = i == 0 ? 1 : 0 });
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [4], Epochs = 2, Seed = 1, ValidationFraction = 0.5, EarlyStoppingPatience = null, ExampleWeightColumnName = "Weight",
        };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.ValidationFraction), ex.ParamName);
        StringAssert.Contains(ex.Message, "is 0 on every row of the");
    }

    public sealed class WeightedRegressionRow
    {
        [Microsoft.ML.Data.VectorType(SyntheticData.FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public float Weight { get; set; }
    }

    [TestMethod]
    public void Fit_TokenCancelledWhilePacking_StopsPacking()
    {
        const int rows = 50_000;
        var ml = new MLContext(1);
        using var cancellation = new CancellationTokenSource();
        int read = 0;
        var source = SyntheticData.Binary(200, 1);
        IEnumerable<SyntheticData.BinaryRow> Rows()
        {
            for (int i = 0; i < rows; i++)
            {
                if (++read == 1000) cancellation.Cancel();
                yield return source[i % source.Count];
            }
        }
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(Small());
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows()), cancellation.Token));
        Assert.IsTrue(read < 1000 + 4096, $"packing read {read} of {rows} rows after the token was cancelled at row 1000");
    }

    [TestMethod]
    public void Constructor_PatienceWithoutValidation_ThrowsNamingEarlyStoppingPatience()
    {
        var options = new NeuralNetworkBinaryTrainer.Options { ValidationFraction = 0 }; // EarlyStoppingPatience keeps its default, 8
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new NeuralNetworkBinaryTrainer(options));
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.EarlyStoppingPatience), ex.ParamName);
        StringAssert.Contains(ex.Message, "EarlyStoppingPatience = null");
    }

    [TestMethod]
    public void Fit_PatienceButSplitHoldsOutNoRow_ThrowsNamingValidationFraction()
    {
        // 2 rows per class: 10% of each rounds to no row, so there is no validation loss for the patience to watch.
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(200, 1);
        var four = rows.Where(r => r.Label).Take(2).Concat(rows.Where(r => !r.Label).Take(2)).ToList();
        var options = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [4], Epochs = 2, Seed = 1, EarlyStoppingPatience = 3 };
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(four)));
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.ValidationFraction), ex.ParamName);
        StringAssert.Contains(ex.Message, "EarlyStoppingPatience");
    }

    [TestMethod]
    public void Dispose_ThenTransform_ThrowsObjectDisposed()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1));
        var model = ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(data);
        var scoredBefore = model.Transform(data);
        using var openBefore = scoredBefore.GetRowCursor([scoredBefore.Schema["Score"]]);
        model.Dispose();
        // A sequential cursor opened before Dispose scores its first block on MoveNext.
        Assert.ThrowsExactly<ObjectDisposedException>(() => openBefore.MoveNext());
        Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(data));
        // A view made before Dispose: the batched (sequential) path and the row-by-row (shuffled) path.
        Assert.ThrowsExactly<ObjectDisposedException>(() => scoredBefore.GetColumn<float>("Score").ToArray());
        Assert.ThrowsExactly<ObjectDisposedException>(() => scoredBefore.GetRowCursor([scoredBefore.Schema["Score"]], new Random(1)));
        model.Dispose(); // a second Dispose is harmless
    }

    [TestMethod]
    public void Dispose_ThenPredictionEngine_ThrowsObjectDisposed()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1));
        var model = ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, NeuralNetworkTrainerTests.BinaryPrediction>(model);
        var row = SyntheticData.Binary(1, 3)[0];
        Assert.IsTrue(float.IsFinite(engine.Predict(row).Score));
        model.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => engine.Predict(row));
        Assert.ThrowsExactly<ObjectDisposedException>(() =>
            ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, NeuralNetworkTrainerTests.BinaryPrediction>(model));
    }
}
