using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Boosting;

/// <summary>GBNN's regression target standardization and its bounded binary probabilities (issue #8, item 4).</summary>
[TestClass]
public sealed class GbnnScalingTests
{
    /// <summary>A "dollar" scale for the synthetic target: a power of two, so scaling is exact in floating point.</summary>
    private const float Scale = 32768;

    [TestMethod]
    public void Fit_OneStepRegression_IsOneNetworkFittedToTheStandardizedTargetWithTheScalingFoldedBack()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(200, 4);
        var options = new GradientBoostedNeuralNetworkRegressionTrainer.Options
        {
            TotalHiddenUnits = 3, UnitsPerStep = 3, LearningRate = 1, Subsample = 1, MaxIterations = 100, Seed = 9,
            ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        using var model = ml.Regression.Trainers.GradientBoostedNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows));

        double mean = rows.Average(r => (double)r.Label);
        double sd = Math.Sqrt(rows.Average(r => (r.Label - mean) * (r.Label - mean)));
        var x = rows.SelectMany(r => r.Features.Select(v => (double)v)).ToArray();
        var single = new ShallowMlp(SyntheticData.FeatureCount, 3, 1, ActivationKind.Sigmoid, new Random(9));
        // What the first step fits: the standardized target minus its mean (F0, zero up to rounding).
        var z = rows.Select(r => (r.Label - mean) / sd).ToArray();
        double f0 = z.Average();
        single.Fit(x, z.Select(v => v - f0).ToArray(), rows.Count, options.L2Regularization, options.MaxIterations);
        var expected = single.Predict(x, rows.Count);
        Assert.AreEqual(mean, model.Model.InitialScore[0], 1e-9);
        Assert.AreEqual(sd, model.Model.Steps[0].Rho, 1e-9, "Rho = learning rate · sd");
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(mean + sd * expected[i], model.Model.PredictRaw(rows[i].Features)[0], 1e-9, $"row {i}");
            Assert.AreEqual(mean + sd * expected[i], scores[i], 2e-5 * Math.Abs(mean + sd * expected[i]), $"assembled network, row {i}");
        }
    }

    [TestMethod]
    public void Fit_DollarScaledTarget_GivesTheUnitScaleFitScaledBack()
    {
        // The same rows with the target in "dollars": y' = 2^15·y (about 330,000 ± 115,000; a power of two, so the standardized
        // targets are bit-identical). Standardized, both fits see the same residuals and the dollar model is the unit model
        // scaled back; fitted raw, one-unit L-BFGS steps fit a very different model.
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(300, 6);
        var dollars = rows.Select(r => new SyntheticData.RegressionRow { Features = r.Features, Label = Scale * r.Label }).ToList();
        var options = new GradientBoostedNeuralNetworkRegressionTrainer.Options
        {
            TotalHiddenUnits = 10, UnitsPerStep = 1, LearningRate = 0.5, MaxIterations = 50, Seed = 2, ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        using var unit = ml.Regression.Trainers.GradientBoostedNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows));
        using var scaled = ml.Regression.Trainers.GradientBoostedNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(dollars));

        var test = SyntheticData.Regression(100, 7);
        for (int i = 0; i < test.Count; i++)
        {
            double expected = Scale * unit.Model.PredictRaw(test[i].Features)[0];
            Assert.AreEqual(expected, scaled.Model.PredictRaw(test[i].Features)[0], 1e-9 * Math.Abs(expected), $"row {i}");
        }
    }

    [TestMethod]
    public void Fit_RawDollarTarget_FirstStepFitsWorseThanStandardized()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(300, 6).Select(r => new SyntheticData.RegressionRow { Features = r.Features, Label = Scale * r.Label }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var standardized = new GradientBoostedNeuralNetworkRegressionTrainer.Options
        {
            TotalHiddenUnits = 1, UnitsPerStep = 1, LearningRate = 1, MaxIterations = 100, Seed = 2, Subsample = 1, ValidationFraction = 0, EarlyStoppingPatience = null,
        };
        var raw = standardized.Clone();
        raw.StandardizeTarget = false;
        using var a = ml.Regression.Trainers.GradientBoostedNeuralNetwork(standardized).Fit(data);
        using var b = ml.Regression.Trainers.GradientBoostedNeuralNetwork(raw).Fit(data);
        Assert.IsLessThan(0.8 * b.Model.Steps[0].TrainingLoss, a.Model.Steps[0].TrainingLoss,
            $"standardized {Math.Sqrt(a.Model.Steps[0].TrainingLoss)}, raw {Math.Sqrt(b.Model.Steps[0].TrainingLoss)} (training RMSE)");
    }

    [TestMethod]
    public void SaturatedBinaryModel_ProbabilitiesStayInsideZeroOneOnEveryScoringPath_AndLogLossIsFinite()
    {
        // F0 = ±20 gives logits of ±40: sigmoid rounds to exactly 1 or 0 in float unless clamped.
        var ml = new MLContext(1);
        foreach (double f0 in new[] { 20.0, -20.0 })
        {
            var step = new BoostingStep(new double[SyntheticData.FeatureCount], [0.0], [0.0], [0.0], 1, 0);
            var parameters = new GradientBoostedNeuralNetworkModelParameters(PredictionTask.BinaryClassification, SyntheticData.FeatureCount,
                ActivationKind.Sigmoid, [f0], [step], 1, null);
            var rows = SyntheticData.Binary(50, 1);
            var data = ml.Data.LoadFromEnumerable(rows);
            using var model = new GradientBoostedNeuralNetworkPredictionTransformer(parameters, "Features", null, 1);

            var batched = model.Transform(data).GetColumn<float>("Probability").ToArray();
            var engine = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, BinaryOutput>(model);
            var rowByRow = rows.Select(r => engine.Predict(r).Probability).ToArray();
            using var stream = new MemoryStream();
            ml.Model.SaveWithOnnx(model, data.Schema, stream);
            stream.Position = 0;
            var reloaded = MLExtensionsRuntime.LoadModel(new MLContext(), stream, "saturated GBNN", out _);
            var onnx = reloaded.Transform(data).GetColumn<float>("Probability").ToArray();
            foreach (var (path, values) in new[] { ("Transform", batched), ("PredictionEngine", rowByRow), ("ONNX", onnx) })
            {
                Assert.IsTrue(values.All(p => p > 0 && p < 1), $"{path}, F0 {f0}: {values[0]:R}");
                Assert.AreEqual(f0 > 0 ? ScoreMath.ProbabilityCeiling : ScoreMath.ProbabilityFloor, values[0], $"{path}, F0 {f0}");
            }

            // Every row confidently one class, some of them labelled the other: a large but finite log-loss.
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
            Assert.IsTrue(double.IsFinite(metrics.LogLoss), $"F0 {f0}: log-loss {metrics.LogLoss}");
            Assert.IsTrue(double.IsFinite(ml.BinaryClassification.Evaluate(reloaded.Transform(data)).LogLoss), $"ONNX, F0 {f0}");
        }
    }

    /// <summary>Binary outputs read by the prediction engine.</summary>
    private sealed class BinaryOutput
    {
        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
