using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Integration;

/// <summary>The neural trainers as base models of MLExtensions.Stacking ensembles, and saving such ensembles with <c>SaveWithOnnx</c>.</summary>
[TestClass]
public sealed class StackingNeuralNetworkTests
{
    private const double Tolerance = 1e-5;

    public sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static NeuralNetworkRegressionTrainer.Options NetworkOptions(string features) => new()
    {
        FeatureColumnName = features,
        HiddenLayerSizes = [32],
        Epochs = 30,
        BatchSize = 32,
        Dropout = 0,
        Optimizer = new MLExtensions.AdamWSpec(LearningRate: 0.01),
        Seed = 1,
    };

    [TestMethod]
    public void StackingEnsemble_WithNeuralNetworkBaseModel_MatchesOrBeatsBaseModels()
    {
        var watch = Stopwatch.StartNew();
        var ml = new MLContext(1);
        var train = ml.Data.Cache(ml.Data.LoadFromEnumerable(SyntheticData.Regression(600, 11)));
        var testRows = SyntheticData.Regression(300, 12);
        var test = ml.Data.LoadFromEnumerable(testRows);
        IEstimator<ITransformer>[] bases =
        [
            // A custom feature column name (standardized copy), as the stacking README recommends for per-model featurization.
            ml.Transforms.NormalizeMeanVariance("FeaturesStandardized", "Features")
                .Append(ml.Regression.Trainers.NeuralNetwork(NetworkOptions("FeaturesStandardized"))),
            ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 50, minimumExampleCountPerLeaf: 5),
            ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 30),
        ];
        var estimator = ml.Regression.Trainers.StackingEnsemble(bases,
            new StackingEnsembleEstimator.Options { Folds = 3, BaseModelNames = ["NeuralNetwork", "FastTree", "Sdca"] });

        var stacked = estimator.Fit(train);

        Assert.AreEqual(3, stacked.BaseModels.Count);
        Assert.IsInstanceOfType<NeuralNetworkPredictionTransformer>(((IEnumerable<ITransformer>)stacked.BaseModels[0]).Last());
        CollectionAssert.AreEqual(new[] { "NeuralNetwork", "FastTree", "Sdca" }, stacked.OutOfFoldPredictions!.Names.ToArray());
        var baseRmse = stacked.BaseModels.Select(m => ml.Regression.Evaluate(m.Transform(test)).RootMeanSquaredError).ToArray();
        var metrics = ml.Regression.Evaluate(stacked.Transform(test));
        string report = $"stacked {metrics.RootMeanSquaredError:0.0000}; base (NN, FastTree, SDCA) {string.Join(", ", baseRmse.Select(r => r.ToString("0.0000", CultureInfo.InvariantCulture)))}";
        // The network and the trees err differently on this smooth target with an interaction; the ensemble must at least match the
        // best base model (within 2%) and must keep the network as an input of its meta-models.
        Assert.IsTrue(metrics.RootMeanSquaredError <= 1.02 * baseRmse.Min(), report);
        Assert.IsTrue(metrics.RootMeanSquaredError < baseRmse.Max(), report);
        Assert.IsTrue(stacked.Model.SelectedInputs.Contains(0), "the network was dropped by the redundancy projection; " + report);
        Assert.IsTrue(metrics.RSquared > 0.9, $"R^2 {metrics.RSquared}; {report}");

        var engine = ml.Model.CreatePredictionEngine<SyntheticData.RegressionRow, RegressionPrediction>(stacked);
        var scores = stacked.Transform(test).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < 20; i++)
        {
            Assert.AreEqual(scores[i], engine.Predict(testRows[i]).Score, Tolerance, $"row {i}");
        }

        Console.WriteLine($"{report}; {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [TestMethod]
    public void SaveWithOnnx_NormalizeThenStackingWithNeuralBaseModel_ReloadsWithSamePredictions()
    {
        var ml = new MLContext(1);
        var train = ml.Data.Cache(ml.Data.LoadFromEnumerable(SyntheticData.Regression(400, 21)));
        var testRows = SyntheticData.Regression(200, 22);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Regression.Trainers.StackingEnsemble(
            [
                ml.Regression.Trainers.NeuralNetwork(NetworkOptions("Features")),
                ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5),
                ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 30),
            ], folds: 3));
        var model = pipeline.Fit(train);
        var expected = model.Transform(test).GetColumn<float>("Score").ToArray();

        string path = Path.Combine(Path.GetTempPath(), $"stacking-nn-{Guid.NewGuid():N}.zip");
        try
        {
            var converted = ml.Model.SaveWithOnnx(model, train.Schema, path);
            Assert.IsFalse(Flatten(converted).Any(t => t is StackingTransformer or NeuralNetworkPredictionTransformer),
                "the saved pipeline still holds a StackingTransformer or a network: " + string.Join(", ", Flatten(converted).Select(t => t.GetType().Name)));

            var ml2 = new MLContext(2);
            var loaded = MLExtensionsRuntime.LoadModel(ml2, path, out var schema);
            Assert.IsNotNull(schema.GetColumnOrNull("Features"));
            var reloadedView = loaded.Transform(ml2.Data.LoadFromEnumerable(testRows));
            var actual = reloadedView.GetColumn<float>("Score").ToArray();
            Assert.AreEqual(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], Tolerance, $"row {i}");
            }

            var original = ml.Regression.Evaluate(model.Transform(test));
            var reloaded = ml2.Regression.Evaluate(reloadedView);
            Assert.AreEqual(original.RootMeanSquaredError, reloaded.RootMeanSquaredError, 1e-5);
            Assert.IsTrue(reloaded.RSquared > 0.9, $"R^2 {reloaded.RSquared}");

            var engine = ml2.Model.CreatePredictionEngine<SyntheticData.RegressionRow, RegressionPrediction>(loaded);
            for (int i = 0; i < 10; i++)
            {
                Assert.AreEqual(expected[i], engine.Predict(testRows[i]).Score, Tolerance, $"engine row {i}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void SaveWithOnnx_BinaryStackingWithNeuralBaseModel_ReloadsWithSamePredictions()
    {
        var ml = new MLContext(1);
        var train = ml.Data.Cache(ml.Data.LoadFromEnumerable(SyntheticData.Binary(400, 31)));
        var testRows = SyntheticData.Binary(200, 32);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var network = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [16], Epochs = 20, BatchSize = 32, Seed = 1, Optimizer = new MLExtensions.AdamWSpec(LearningRate: 0.01),
        };
        var pipeline = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.StackingEnsemble(
            [
                ml.BinaryClassification.Trainers.NeuralNetwork(network),
                ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5),
            ], folds: 3));
        var model = pipeline.Fit(train);
        var expected = model.Transform(test);
        var expectedProbability = expected.GetColumn<float>("Probability").ToArray();
        var expectedLabel = expected.GetColumn<bool>("PredictedLabel").ToArray();

        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(model, train.Schema, stream);
        stream.Position = 0;
        var ml2 = new MLContext(2);
        var loaded = MLExtensionsRuntime.LoadModel(ml2, stream, "test stream", out _);
        var reloaded = loaded.Transform(ml2.Data.LoadFromEnumerable(testRows));
        var probability = reloaded.GetColumn<float>("Probability").ToArray();
        var label = reloaded.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < expectedProbability.Length; i++)
        {
            Assert.AreEqual(expectedProbability[i], probability[i], Tolerance, $"row {i}");
            Assert.AreEqual(expectedLabel[i], label[i], $"row {i}");
        }

        var metrics = ml2.BinaryClassification.Evaluate(reloaded);
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve}");
        var engine = ml2.Model.CreatePredictionEngine<SyntheticData.BinaryRow, BinaryPrediction>(loaded);
        Assert.AreEqual(expectedProbability[0], engine.Predict(testRows[0]).Probability, Tolerance);
    }

    [TestMethod]
    public void StackingPersistenceSave_WithNeuralBaseModel_FailsPointingToSaveWithOnnx()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Regression(120, 41));
        var options = NetworkOptions("Features");
        options.Epochs = 2;
        var stacked = ml.Regression.Trainers.StackingEnsemble(
            [ml.Regression.Trainers.NeuralNetwork(options), ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 5)], folds: 2).Fit(train);
        using var stream = new MemoryStream();
        var savable = StackingPersistence.ToSavable(ml, stacked, train);
        var error = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(savable, train.Schema, stream));
        StringAssert.Contains(error.Message, "ConvertToOnnxBacked");
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) => model is IEnumerable<ITransformer> chain
        ? chain.SelectMany(Flatten)
        : [model];
}
