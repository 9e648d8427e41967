using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

[TestClass]
public sealed class NeuralNetworkTrainerTests
{
    private static NeuralNetworkBinaryTrainer.Options FastBinary() => new()
    {
        HiddenLayerSizes = [16],
        Epochs = 30,
        BatchSize = 32,
        Seed = 1,
        NumberOfThreads = 1,
        Optimizer = new MLExtensions.AdamWSpec(LearningRate: 0.01),
    };

    [TestMethod]
    public void Fit_Binary_EvaluateGivesHighAucAndCalibratedColumns()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(600, 1));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2));
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(FastBinary()).Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve}");
        Assert.IsTrue(metrics.LogLoss < 0.5, $"log-loss {metrics.LogLoss}");
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
    }

    [TestMethod]
    public void Fit_Multiclass_EvaluateAndKeyValuesMatchLabel()
    {
        var ml = new MLContext(1);
        var train = SyntheticData.MulticlassView(ml, 600, 3);
        var options = new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [16], Epochs = 30, BatchSize = 32, Seed = 1 ,
            Optimizer = new MLExtensions.AdamWSpec(LearningRate: 0.01) };
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(train);
        var scored = model.Transform(SyntheticData.MulticlassView(ml, 300, 4));
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsTrue(metrics.MacroAccuracy > 0.85, $"macro accuracy {metrics.MacroAccuracy}");
        var predicted = scored.Schema["PredictedLabel"];
        Assert.AreEqual(3UL, ((KeyDataViewType)predicted.Type).Count);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        predicted.GetKeyValues(ref keys);
        VBuffer<ReadOnlyMemory<char>> labelKeys = default;
        train.Schema["Label"].GetKeyValues(ref labelKeys);
        CollectionAssert.AreEqual(labelKeys.DenseValues().Select(k => k.ToString()).ToArray(), keys.DenseValues().Select(k => k.ToString()).ToArray());
        var back = ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel").Fit(scored).Transform(scored);
        var texts = back.GetColumn<string>("PredictedText").ToList();
        CollectionAssert.IsSubsetOf(texts.Distinct().ToList(), new[] { "high", "mid", "low" }, string.Join("|", texts.Distinct()) + " keys " + string.Join("|", keys.DenseValues()) + " " + string.Join(",", scored.GetColumn<uint>("PredictedLabel").Take(10)) + " scores " + string.Join(";", scored.GetColumn<float[]>("Score").Take(5).Select(v => string.Join(",", v))));
    }

    [TestMethod]
    public void Fit_Regression_RSquaredHighOnShiftedTarget()
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [32], Epochs = 60, BatchSize = 32, Seed = 1,
            Optimizer = new MLExtensions.AdamWSpec(LearningRate: 0.01) };
        using var model = ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(800, 5)));
        var metrics = ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Regression(300, 6))));
        Assert.IsTrue(metrics.RSquared > 0.9, $"R^2 {metrics.RSquared}");
    }

    [TestMethod]
    public void Fit_SameSeed_IdenticalPredictions()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 1));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 2));
        var options = FastBinary();
        options.Dropout = 0.2;
        options.Epochs = 5;
        using var a = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(train);
        using var b = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(train);
        CollectionAssert.AreEqual(a.Transform(test).GetColumn<float>("Score").ToArray(), b.Transform(test).GetColumn<float>("Score").ToArray());
        options.Seed = 2;
        using var c = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(train);
        CollectionAssert.AreNotEqual(a.Transform(test).GetColumn<float>("Score").ToArray(), c.Transform(test).GetColumn<float>("Score").ToArray());
    }

    [TestMethod]
    public void Fit_Pipeline_PredictionEngineAndPermutationFeatureImportanceWork()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(400, 7);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.NormalizeMinMax("Features").Append(ml.BinaryClassification.Trainers.NeuralNetwork(FastBinary()));
        var model = pipeline.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, BinaryPrediction>(model);
        var prediction = engine.Predict(rows[0]);
        Assert.IsTrue(prediction.Probability is >= 0 and <= 1);
        Assert.AreEqual(prediction.Probability > 0.5f, prediction.PredictedLabel);
        var transformed = model.Transform(data);
        var importance = ml.BinaryClassification.PermutationFeatureImportance(model.LastTransformer, model.Transform(data), permutationCount: 1);
        Assert.AreEqual(SyntheticData.FeatureCount, importance.Length);
        // x0 and x1 drive the label; x2 and x3 are noise.
        double Drop(int i) => -importance[i].AreaUnderRocCurve.Mean;
        Assert.IsTrue(Drop(0) > Drop(3) && Drop(1) > Drop(3), string.Join(", ", Enumerable.Range(0, 4).Select(Drop)));
        _ = transformed;
    }

    [TestMethod]
    public void Fit_Progress_ReportsEveryEpochAndHistoryMatches()
    {
        var ml = new MLContext(1);
        var reports = new List<TrainingProgress>();
        var options = FastBinary();
        options.Epochs = 4;
        options.EarlyStoppingPatience = null;
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options, new SyncProgress<TrainingProgress>(reports.Add))
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 1)));
        Assert.AreEqual(4, reports.Count);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, reports.Select(r => r.Epoch).ToArray());
        Assert.AreEqual(4, model.Model.History.Count);
        Assert.IsTrue(reports.All(r => r.ValidationLoss is > 0 && r.GradientNorm > 0 && r.LearningRate > 0));
        Assert.AreEqual(reports[3].TrainingLoss, model.Model.History[3].TrainingLoss);
        StringAssert.StartsWith(reports[0].ToString(), "epoch 1/4: loss ");
        Assert.AreEqual("cpu", model.Model.DeviceName);
        Assert.AreEqual(1, model.Model.Seed);
    }

    [TestMethod]
    public void Fit_EarlyStopping_StopsAndRestoresBestEpoch()
    {
        var ml = new MLContext(1);
        var options = FastBinary();
        options.Epochs = 200;
        options.EarlyStoppingPatience = 3;
        options.HiddenLayerSizes = [128, 128];
        options.Dropout = 0;
        options.ValidationFraction = 0.3;
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(120, 9)));
        var history = model.Model.History;
        Assert.IsTrue(history.Count < 200, $"ran {history.Count} epochs");
        double best = history.Min(h => h.ValidationLoss!.Value);
        Assert.AreEqual(best, history[model.Model.BestEpoch - 1].ValidationLoss);
        Assert.AreEqual(model.Model.BestEpoch + 3, history.Count);
    }

    [TestMethod]
    public void Fit_WeightColumn_ZeroWeightRowsDoNotMatter()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(200, 1);
        var poisoned = rows.Concat(SyntheticData.Binary(200, 2).Select(r => new SyntheticData.BinaryRow { Features = r.Features, Label = !r.Label, Weight = 0 })).ToList();
        var options = FastBinary();
        options.ExampleWeightColumnName = "Weight";
        options.ValidationFraction = 0;
        options.EarlyStoppingPatience = null;
        options.Epochs = 40;
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(poisoned));
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 3))));
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve}");
    }

    [TestMethod]
    public void SimpleOverload_SettingsReachTheModel()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(100, 1));
        using var model = ml.Regression.Trainers.NeuralNetwork(hiddenLayerSizes: [7], epochs: 3, learningRate: 0.01, batchSize: 10, seed: 5).Fit(data);
        Assert.AreEqual(7, model.Model.Architecture.HiddenSizes.Single());
        Assert.AreEqual(5, model.Model.Seed);
        Assert.AreEqual(0.01, model.Model.History[0].LearningRate, 1e-12);
        Assert.IsTrue(model.Model.History.Count <= 3);
    }

    [TestMethod]
    public void DeviceSelector_AutoPicksCudaOnlyWhenAvailable()
    {
        Assert.AreEqual(TorchSharp.DeviceType.CPU, DeviceSelector.Resolve(DeviceKind.Auto, cudaAvailable: false).type);
        Assert.AreEqual(TorchSharp.DeviceType.CUDA, DeviceSelector.Resolve(DeviceKind.Auto, cudaAvailable: true).type);
        Assert.AreEqual(TorchSharp.DeviceType.CPU, DeviceSelector.Resolve(DeviceKind.Cpu, cudaAvailable: true).type);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelector.Resolve(DeviceKind.Cuda, cudaAvailable: false));
        StringAssert.Contains(ex.Message, "Device");
    }

    public sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
        public float Score { get; set; }
    }
}

/// <summary>Synchronous IProgress: reports arrive before Fit returns (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
