using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Boosting;

/// <summary>GBNN trainers end to end (ALGORITHMS.md §A.4): assembly, truncation, degenerate case, ML.NET integration.</summary>
[TestClass]
public sealed class GbnnTrainerTests
{
    private static T Small<T>(T options, int units = 10, int perStep = 2) where T : GradientBoostedNeuralNetworkOptionsBase
    {
        options.TotalHiddenUnits = units;
        options.UnitsPerStep = perStep;
        options.LearningRate = 0.5;
        options.MaxIterations = 50;
        options.Seed = 3;
        // Every step kept, so the mechanics below see exactly TotalHiddenUnits / UnitsPerStep steps.
        options.ValidationFraction = 0;
        options.EarlyStoppingPatience = null;
        return options;
    }

    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    private static (GradientBoostedNeuralNetworkPredictionTransformer Model, IDataView Data) Fit(MLContext ml, PredictionTask task, int units = 10, int perStep = 2)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(400, 1));
                return (ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkBinaryTrainer.Options(), units, perStep)).Fit(data), data);
            }
            case PredictionTask.Regression:
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(400, 1));
                return (ml.Regression.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkRegressionTrainer.Options(), units, perStep)).Fit(data), data);
            }
            default:
            {
                var data = SyntheticData.MulticlassView(ml, 400, 1);
                return (ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkMulticlassTrainer.Options(), units, perStep)).Fit(data), data);
            }
        }
    }

    /// <summary>The raw scores F from the transformer's Score column: F itself, 2F (binary logit) or softmax(F) (multiclass).</summary>
    private static void AssertScoresEqualBoostedSum(GradientBoostedNeuralNetworkPredictionTransformer model, IDataView data, int? steps)
    {
        var scored = model.Transform(data);
        var features = scored.GetColumn<float[]>("Features").ToArray();
        var task = model.Model.Task;
        var scores = task == PredictionTask.MulticlassClassification
            ? scored.GetColumn<float[]>("Score").ToArray()
            : scored.GetColumn<float>("Score").Select(v => new[] { v }).ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            var f = model.Model.PredictRaw(features[i], steps);
            double[] expected = task switch
            {
                PredictionTask.BinaryClassification => [2 * f[0]],
                PredictionTask.Regression => f,
                _ => f.Select(v => Math.Exp(v) / f.Sum(Math.Exp)).ToArray(),
            };
            for (int c = 0; c < expected.Length; c++)
            {
                Assert.AreEqual(expected[c], scores[i][c], 2e-5 * Math.Max(1, Math.Abs(expected[c])), $"{task} row {i} output {c}");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_AssembledNetworkEqualsTheBoostedSum(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, task);
        using (model)
        {
            Assert.HasCount(5, model.Model.Steps);
            Assert.AreEqual(10, model.Network.Architecture.HiddenSizes.Single());
            AssertScoresEqualBoostedSum(model, data, steps: null);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Truncate_FirstStepsEqualStagedPredictionWithCorrectedBias(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, task);
        using (model)
        using (var truncated = model.Truncate(2))
        {
            Assert.AreEqual(4, truncated.Network.Architecture.HiddenSizes.Single());
            AssertScoresEqualBoostedSum(truncated, data, steps: 2);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void SaveWithOnnx_TruncatedModel_ReloadsWithTheSameScores(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, task);
        using (model)
        using (var truncated = model.Truncate(3))
        {
            using var stream = new MemoryStream();
            ml.Model.SaveWithOnnx(truncated, data.Schema, stream);
            stream.Position = 0;
            var reloaded = MLExtensionsRuntime.LoadModel(new MLContext(), stream, "GBNN model", out _);
            var before = Scores(truncated.Transform(data), task);
            var after = Scores(reloaded.Transform(data), task);
            Assert.HasCount(before.Length, after);
            for (int i = 0; i < before.Length; i++)
            {
                Assert.AreEqual(before[i], after[i], 1e-5 * Math.Max(1, Math.Abs(before[i])), $"{task} value {i}");
            }
        }
    }

    private static float[] Scores(IDataView scored, PredictionTask task) => task == PredictionTask.MulticlassClassification
        ? scored.GetColumn<float[]>("Score").SelectMany(v => v).ToArray()
        : scored.GetColumn<float>("Score").ToArray();

        [TestMethod]
    public void Fit_TotalHiddenUnitsRoundedDownToAMultipleOfUnitsPerStep()
    {
        var ml = new MLContext(1);
        var (model, _) = Fit(ml, PredictionTask.Regression, units: 7, perStep: 2);
        using (model)
        {
            Assert.HasCount(3, model.Model.Steps);
            Assert.AreEqual(6, model.Network.Architecture.HiddenSizes.Single());
        }
    }

    [TestMethod]
    public void Fit_OneStepRegressionWithoutSubsampling_IsOneNetworkFittedToTheCenteredTarget()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(200, 4);
        var options = new GradientBoostedNeuralNetworkRegressionTrainer.Options
        {
            TotalHiddenUnits = 3, UnitsPerStep = 3, LearningRate = 1, Subsample = 1, MaxIterations = 100, Seed = 9,
            StandardizeTarget = false, ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        using var model = ml.Regression.Trainers.GradientBoostedNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows));

        double mean = rows.Average(r => (double)r.Label);
        var x = rows.SelectMany(r => r.Features.Select(v => (double)v)).ToArray();
        var single = new ShallowMlp(SyntheticData.FeatureCount, 3, 1, ActivationKind.Sigmoid, new Random(9));
        single.Fit(x, rows.Select(r => r.Label - mean).ToArray(), rows.Count, options.L2Regularization, options.MaxIterations);
        var expected = single.Predict(x, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(mean + expected[i], model.Model.PredictRaw(rows[i].Features)[0], 1e-9, $"row {i}");
        }
    }

    [TestMethod]
    [DataRow(PredictionTask.BinaryClassification)]
    [DataRow(PredictionTask.MulticlassClassification)]
    public void Fit_FullSampleSmallLearningRate_TrainingLossNeverRises(PredictionTask task)
    {
        var ml = new MLContext(1);
        IDataView data = task == PredictionTask.BinaryClassification ? ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2)) : SyntheticData.MulticlassView(ml, 300, 2);
        GradientBoostedNeuralNetworkOptionsBase options = task == PredictionTask.BinaryClassification
            ? new GradientBoostedNeuralNetworkBinaryTrainer.Options() : new GradientBoostedNeuralNetworkMulticlassTrainer.Options();
        options.TotalHiddenUnits = 8;
        options.LearningRate = 0.1;
        options.Subsample = 1;
        options.MaxIterations = 50;
        options.Seed = 1;
        using var model = task == PredictionTask.BinaryClassification
            ? ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork((GradientBoostedNeuralNetworkBinaryTrainer.Options)options).Fit(data)
            : ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork((GradientBoostedNeuralNetworkMulticlassTrainer.Options)options).Fit(data);
        var losses = model.Model.Steps.Select(s => s.TrainingLoss).ToArray();
        for (int t = 1; t < losses.Length; t++)
        {
            Assert.IsLessThanOrEqualTo(losses[t - 1] + 1e-12, losses[t], $"step {t}: {string.Join(", ", losses)}");
        }
    }

    [TestMethod]
    public void Fit_SameSeed_IdenticalSteps()
    {
        var ml = new MLContext(1);
        var (first, _) = Fit(ml, PredictionTask.BinaryClassification);
        var (second, _) = Fit(ml, PredictionTask.BinaryClassification);
        using (first)
        using (second)
        {
            for (int t = 0; t < first.Model.Steps.Count; t++)
            {
                Assert.AreEqual(first.Model.Steps[t].Rho, second.Model.Steps[t].Rho);
                CollectionAssert.AreEqual(first.Model.Steps[t].HiddenWeights.ToArray(), second.Model.Steps[t].HiddenWeights.ToArray());
            }
        }
    }

    [TestMethod]
    public void Fit_Binary_LearnsAndWorksWithEvaluatorsPredictionEngineAndOnnxSaving()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(600, 1));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2));
        var options = new GradientBoostedNeuralNetworkBinaryTrainer.Options { TotalHiddenUnits = 24, UnitsPerStep = 3, LearningRate = 0.5, MaxIterations = 100, Seed = 1 };
        using var model = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(options).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        Assert.IsGreaterThan(0.9, metrics.AreaUnderRocCurve, $"AUC {metrics.AreaUnderRocCurve}");

        // P(true) = sigmoid(2F).
        var row = SyntheticData.Binary(1, 7)[0];
        var prediction = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, BinaryOutput>(model).Predict(row);
        Assert.AreEqual(1 / (1 + Math.Exp(-2 * model.Model.PredictRaw(row.Features)[0])), prediction.Probability, 1e-5);

        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(model, train.Schema, stream);
        stream.Position = 0;
        var reloaded = MLExtensionsRuntime.LoadModel(new MLContext(), stream, "GBNN model", out _);
        var before = model.Transform(test).GetColumn<float>("Probability").ToArray();
        var after = reloaded.Transform(test).GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            Assert.AreEqual(before[i], after[i], 1e-5, $"row {i}");
        }
    }

    [TestMethod]
    public void Fit_Regression_BeatsThePredictMeanBaseline()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Regression(500, 1));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(300, 2));
        using var model = ml.Regression.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: 20, unitsPerStep: 2, learningRate: 0.5, subsample: 0.75, seed: 1).Fit(train);
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Assert.IsGreaterThan(0.8, metrics.RSquared, $"R² {metrics.RSquared}");
    }

    [TestMethod]
    public void Fit_Progress_ReportsEveryStepWithItsLossAndStepLength()
    {
        var ml = new MLContext(1);
        var reports = new List<MLExtensions.TrainingProgress>();
        var progress = new SynchronousProgress(reports.Add);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(200, 3));
        using var model = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            Small(new GradientBoostedNeuralNetworkBinaryTrainer.Options()), progress).Fit(data);

        Assert.HasCount(model.Model.Steps.Count, reports);
        for (int t = 0; t < reports.Count; t++)
        {
            Assert.AreEqual(t + 1, reports[t].Epoch);
            Assert.AreEqual(model.Model.Steps.Count, reports[t].TotalEpochs);
            Assert.AreEqual(model.Model.Steps[t].TrainingLoss, reports[t].TrainingLoss);
            Assert.AreEqual(model.Model.Steps[t].Rho, reports[t].LearningRate);
        }
    }

        [TestMethod]
    public void GetOutputSchema_AddsTheTaskColumnsAndRejectsAWrongLabelType()
    {
        var ml = new MLContext(1);
        var binary = NeuralNetworkBadInputTests.ShapeOf(ml.Data.LoadFromEnumerable(SyntheticData.Binary(5, 1)).Schema);
        var shape = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork().GetOutputSchema(binary);
        CollectionAssert.IsSubsetOf(new[] { "Score", "Probability", "PredictedLabel" }, shape.Select(c => c.Name).ToArray());

        var regression = NeuralNetworkBadInputTests.ShapeOf(ml.Data.LoadFromEnumerable(SyntheticData.Regression(5, 1)).Schema);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork().GetOutputSchema(regression));
        StringAssert.Contains(error.Message, "label column 'Label'");
    }

        [TestMethod]
    public void Options_OutOfRange_ThrowNamingTheOption()
    {
        var ml = new MLContext(1);
        Assert.AreEqual("Subsample", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkRegressionTrainer.Options { Subsample = 0 })).ParamName);
        Assert.AreEqual("Activation", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkRegressionTrainer.Options { Activation = ActivationKind.GELU })).ParamName);
        Assert.AreEqual("TotalHiddenUnits", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkRegressionTrainer.Options { TotalHiddenUnits = 2, UnitsPerStep = 3 })).ParamName);
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.GradientBoostedNeuralNetwork(learningRate: double.NaN)).ParamName);
    }

    [TestMethod]
    public void Fit_SingleClassOrMissingColumn_ThrowsNamingTheColumn()
    {
        var ml = new MLContext(1);
        var oneClass = ml.Data.LoadFromEnumerable(SyntheticData.Binary(50, 1).Select(r => { r.Label = true; return r; }));
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork().Fit(oneClass));
        StringAssert.Contains(error.Message, "Label");
        var missing = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Regression.Trainers.GradientBoostedNeuralNetwork(featureColumnName: "Pixels").Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(20, 1))));
        StringAssert.Contains(missing.Message, "Pixels");
    }

    /// <summary>Binary outputs read by the prediction engine.</summary>
    private sealed class BinaryOutput
    {
        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    /// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<MLExtensions.TrainingProgress> handler) : IProgress<MLExtensions.TrainingProgress>
    {
        public void Report(MLExtensions.TrainingProgress value) => handler(value);
    }
}
