using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>Fitted pipelines with the real trainers save through ONNX and reload without them, with the same predictions.</summary>
[TestClass]
public sealed class NeuralNetworkPersistenceTests
{
    private static string TempZip() => Path.Combine(Path.GetTempPath(), $"mlext-{Guid.NewGuid():N}.zip");

    private static ITransformer SaveAndReload(MLContext ml, ITransformer model, DataViewSchema schema, out MLContext fresh)
    {
        string path = TempZip();
        try
        {
            ml.Model.SaveWithOnnx(model, schema, path);
            fresh = new MLContext(2);
            return MLExtensionsRuntime.LoadModel(fresh, path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string column)
    {
        Assert.AreEqual(expected.Length, actual.Length, column);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5, $"{column}[{i}]");
    }

    [TestMethod]
    public void SaveWithOnnx_BinaryPipeline_ReloadedEqualsTorchSharpAndEvaluates()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(300, 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [16, 8], Normalization = MLExtensions.NormalizationKind.BatchNorm, Epochs = 10, Seed = 1,
            Activation = MLExtensions.ActivationKind.GELU,
        };
        var model = ml.Transforms.NormalizeMeanVariance("Features").Append(ml.BinaryClassification.Trainers.NeuralNetwork(options)).Fit(data);
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 2));
        var reloaded = SaveAndReload(ml, model, data.Schema, out var fresh);

        var before = model.Transform(test);
        var after = reloaded.Transform(test);
        AssertClose(before.GetColumn<float>("Score").ToArray(), after.GetColumn<float>("Score").ToArray(), "Score");
        AssertClose(before.GetColumn<float>("Probability").ToArray(), after.GetColumn<float>("Probability").ToArray(), "Probability");
        CollectionAssert.AreEqual(before.GetColumn<bool>("PredictedLabel").ToArray(), after.GetColumn<bool>("PredictedLabel").ToArray());
        Assert.AreEqual(ml.BinaryClassification.Evaluate(before).AreaUnderRocCurve, fresh.BinaryClassification.Evaluate(after).AreaUnderRocCurve, 1e-6);

        var engine = fresh.Model.CreatePredictionEngine<SyntheticData.BinaryRow, NeuralNetworkTrainerTests.BinaryPrediction>(reloaded);
        var original = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, NeuralNetworkTrainerTests.BinaryPrediction>(model);
        var x = SyntheticData.Binary(1, 3)[0];
        Assert.AreEqual(original.Predict(x).Probability, engine.Predict(x).Probability, 1e-5);
    }

    [TestMethod]
    public void SaveWithOnnx_MulticlassPipeline_ReloadedKeysAndScoresMatch()
    {
        var ml = new MLContext(1);
        var data = SyntheticData.MulticlassView(ml, 300, 1);
        var options = new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [16], Normalization = MLExtensions.NormalizationKind.LayerNorm, Epochs = 10, Seed = 1 };
        var model = ml.Transforms.NormalizeMinMax("Features").Append(ml.MulticlassClassification.Trainers.NeuralNetwork(options)).Fit(data);
        var test = SyntheticData.MulticlassView(ml, 100, 2);
        var reloaded = SaveAndReload(ml, model, data.Schema, out var fresh);

        var before = model.Transform(test);
        var after = reloaded.Transform(test);
        var scoresBefore = before.GetColumn<float[]>("Score").ToArray();
        var scoresAfter = after.GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < scoresBefore.Length; i++) AssertClose(scoresBefore[i], scoresAfter[i], $"Score row {i}");
        CollectionAssert.AreEqual(before.GetColumn<uint>("PredictedLabel").ToArray(), after.GetColumn<uint>("PredictedLabel").ToArray());
        Assert.AreEqual(ml.MulticlassClassification.Evaluate(before).MicroAccuracy, fresh.MulticlassClassification.Evaluate(after).MicroAccuracy, 1e-9);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        after.Schema["PredictedLabel"].GetKeyValues(ref keys);
        CollectionAssert.AreEqual(new[] { "high", "low", "mid" }, keys.DenseValues().Select(k => k.ToString()).ToArray());
    }

    [TestMethod]
    public void SaveWithOnnx_RegressionPipeline_ReloadedEqualsAndPredictionEngineWorks()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(300, 1));
        var options = new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [16], Epochs = 10, Seed = 1, Optimizer = new AdamSpec(0.01) };
        var model = ml.Regression.Trainers.NeuralNetwork(options).Fit(data);
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(100, 2));
        var reloaded = SaveAndReload(ml, model, data.Schema, out var fresh);
        var before = model.Transform(test);
        var after = reloaded.Transform(test);
        AssertClose(before.GetColumn<float>("Score").ToArray(), after.GetColumn<float>("Score").ToArray(), "Score");
        Assert.AreEqual(ml.Regression.Evaluate(before).RootMeanSquaredError, fresh.Regression.Evaluate(after).RootMeanSquaredError, 1e-5);
        var engine = fresh.Model.CreatePredictionEngine<SyntheticData.RegressionRow, RegressionPrediction>(reloaded);
        var row = SyntheticData.Regression(1, 9)[0];
        Assert.AreEqual(model.Transform(ml.Data.LoadFromEnumerable([row])).GetColumn<float>("Score").Single(), engine.Predict(row).Score, 1e-4);
    }

    [TestMethod]
    public void ExportOnnx_ModelParameters_WritesOnnxBytes()
    {
        var ml = new MLContext(1);
        using var model = ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [4], Epochs = 1, Seed = 1 })
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(50, 1)));
        using var stream = new MemoryStream();
        model.Model.ExportOnnx(stream);
        Assert.IsTrue(stream.Length > 100);
        Assert.AreEqual(PredictionTask.Regression, model.GetOnnxScoringModel().Task);
    }

    [TestMethod]
    public void Save_UnconvertedPipeline_ThrowsWithGuidance()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(50, 1));
        var model = ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [4], Epochs = 1, Seed = 1 }).Fit(data);
        using var stream = new MemoryStream();
        var ex = Assert.Throws<Exception>(() => ml.Model.Save(model, data.Schema, stream));
        StringAssert.Contains(ex.ToString(), "ConvertToOnnxBacked");
    }

    public sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }
}
