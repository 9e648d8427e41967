using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Boosting;

/// <summary>GBNN's validation-based early stopping, its best prefix, the Newton step cap and the reference preset (issue #8, item 4).</summary>
[TestClass]
public sealed class GbnnEarlyStoppingTests
{
    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    /// <summary>Options of <paramref name="task"/> with a quick per-step fit; validation and early stopping keep their defaults.</summary>
    private static GradientBoostedNeuralNetworkOptionsBase Options(PredictionTask task, int units = 60)
    {
        GradientBoostedNeuralNetworkOptionsBase options = task switch
        {
            PredictionTask.BinaryClassification => new GradientBoostedNeuralNetworkBinaryTrainer.Options(),
            PredictionTask.Regression => new GradientBoostedNeuralNetworkRegressionTrainer.Options(),
            _ => new GradientBoostedNeuralNetworkMulticlassTrainer.Options(),
        };
        options.TotalHiddenUnits = units;
        options.UnitsPerStep = 1;
        options.MaxIterations = 30;
        options.Seed = 5;
        return options;
    }

    private static IDataView Data(MLContext ml, PredictionTask task, int rows, int seed) => task switch
    {
        PredictionTask.BinaryClassification => ml.Data.LoadFromEnumerable(SyntheticData.Binary(rows, seed)),
        PredictionTask.Regression => ml.Data.LoadFromEnumerable(SyntheticData.Regression(rows, seed)),
        _ => SyntheticData.MulticlassView(ml, rows, seed),
    };

    private static GradientBoostedNeuralNetworkTrainerBase Trainer(MLContext ml, GradientBoostedNeuralNetworkOptionsBase options, IProgress<TrainingProgress>? progress = null) =>
        options switch
        {
            GradientBoostedNeuralNetworkBinaryTrainer.Options b => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(b, progress),
            GradientBoostedNeuralNetworkRegressionTrainer.Options r => ml.Regression.Trainers.GradientBoostedNeuralNetwork(r, progress),
            GradientBoostedNeuralNetworkMulticlassTrainer.Options m => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(m, progress),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_Patience_StopsThatManyStepsAfterTheLowestValidationLossAndKeepsTheStepsUpToIt(PredictionTask task)
    {
        var ml = new MLContext(1);
        var options = Options(task, units: 200);
        // Learning rate 1 on 150 rows overfits within a few steps, so the validation loss turns up early.
        options.LearningRate = 1;
        options.MaxNewtonStep = null;
        options.ValidationFraction = 0.3;
        options.EarlyStoppingPatience = 5;
        var reports = new List<TrainingProgress>();
        using var model = Trainer(ml, options, new SynchronousProgress(reports.Add)).Fit(Data(ml, task, 150, 11));

        var validation = reports.Select(r => r.ValidationLoss!.Value).ToArray();
        int best = Array.IndexOf(validation, validation.Min()) + 1;
        Assert.IsLessThan(200, model.Model.StepsTrained, "stopped early");
        Assert.AreEqual(reports.Count, model.Model.StepsTrained);
        Assert.AreEqual(best + 5, model.Model.StepsTrained, string.Join(", ", validation));
        Assert.HasCount(best, model.Model.Steps);
        Assert.AreEqual(best, model.StepsUsed);
        Assert.AreEqual(best, model.Network.Architecture.HiddenSizes.Single());
        for (int t = 0; t < best; t++)
        {
            Assert.AreEqual(validation[t], model.Model.Steps[t].ValidationLoss);
        }
    }

    [TestMethod]
    public void Fit_NoPatience_TrainsEveryStepAndStillKeepsTheBestPrefix()
    {
        var ml = new MLContext(1);
        var options = Options(PredictionTask.BinaryClassification, units: 40);
        options.LearningRate = 1;
        options.MaxNewtonStep = null;
        options.ValidationFraction = 0.3;
        options.EarlyStoppingPatience = null;
        var reports = new List<TrainingProgress>();
        using var model = Trainer(ml, options, new SynchronousProgress(reports.Add)).Fit(Data(ml, PredictionTask.BinaryClassification, 150, 11));

        Assert.AreEqual(40, model.Model.StepsTrained);
        var validation = reports.Select(r => r.ValidationLoss!.Value).ToArray();
        Assert.HasCount(Array.IndexOf(validation, validation.Min()) + 1, model.Model.Steps);
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Fit_ValidationData_IsNeverTrainedOn_KeptStepsEqualThoseOfTheSameFitWithoutValidation(PredictionTask task)
    {
        var ml = new MLContext(1);
        var train = Data(ml, task, 200, 3);
        var withValidation = Options(task, units: 30);
        withValidation.ValidationData = Data(ml, task, 100, 4);
        withValidation.EarlyStoppingPatience = 3;
        var without = Options(task, units: 30);
        without.ValidationFraction = 0;
        without.EarlyStoppingPatience = null;
        using var stopped = Trainer(ml, withValidation).Fit(train);
        using var full = Trainer(ml, without).Fit(train);

        Assert.HasCount(30, full.Model.Steps);
        Assert.IsNull(full.Model.Steps[0].ValidationLoss);
        for (int t = 0; t < stopped.Model.Steps.Count; t++)
        {
            Assert.AreEqual(full.Model.Steps[t].Rho, stopped.Model.Steps[t].Rho, $"step {t}");
            CollectionAssert.AreEqual(full.Model.Steps[t].HiddenWeights.ToArray(), stopped.Model.Steps[t].HiddenWeights.ToArray(), $"step {t}");
            Assert.IsNotNull(stopped.Model.Steps[t].ValidationLoss);
        }
    }

    [TestMethod]
    public void Fit_ValidationFraction_TrainsOnTheRowsNotHeldOutOnly()
    {
        // The held-out rows are ValidationSplit's (seeded by the options' seed, stratified): a fit on exactly the other rows,
        // without validation, gives the same steps.
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(200, 3);
        var options = (GradientBoostedNeuralNetworkBinaryTrainer.Options)Options(PredictionTask.BinaryClassification, units: 12);
        options.ValidationFraction = 0.2;
        options.EarlyStoppingPatience = null;
        var data = ml.Data.LoadFromEnumerable(rows);
        using var split = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(options).Fit(data);

        var (train, validation) = ValidationSplit.Split(DataPacker.Pack(data, PredictionTask.BinaryClassification, "Features", "Label", null), 0.2, true, 5);
        Assert.AreEqual(40, validation!.RowCount);
        var trainRows = Enumerable.Range(0, train.RowCount).Select(i => new SyntheticData.BinaryRow
        {
            Features = train.Features.AsSpan(i * SyntheticData.FeatureCount, SyntheticData.FeatureCount).ToArray(), Label = train.Labels[i] > 0,
        });
        var alone = options.Clone();
        alone.ValidationFraction = 0;
        using var reference = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(alone).Fit(ml.Data.LoadFromEnumerable(trainRows));

        Assert.IsGreaterThanOrEqualTo(1, split.Model.Steps.Count);
        for (int t = 0; t < split.Model.Steps.Count; t++)
        {
            Assert.AreEqual(reference.Model.Steps[t].Rho, split.Model.Steps[t].Rho, $"step {t}");
            CollectionAssert.AreEqual(reference.Model.Steps[t].OutputWeights.ToArray(), split.Model.Steps[t].OutputWeights.ToArray(), $"step {t}");
        }
    }

    [TestMethod]
    public void Fit_ValidationFraction_HoldsOutStratifiedRowsAndDefaultsAreOn()
    {
        var defaults = new GradientBoostedNeuralNetworkBinaryTrainer.Options();
        Assert.AreEqual(0.1, defaults.ValidationFraction);
        Assert.AreEqual(20, defaults.EarlyStoppingPatience);
        Assert.AreEqual(0.1, defaults.LearningRate);
        Assert.AreEqual((800, 2), (defaults.TotalHiddenUnits, defaults.UnitsPerStep));
        Assert.AreEqual(2, defaults.MaxNewtonStep);
        Assert.IsTrue(new GradientBoostedNeuralNetworkRegressionTrainer.Options().StandardizeTarget);

        var ml = new MLContext(1);
        var options = Options(PredictionTask.BinaryClassification, units: 4);
        options.ValidationFraction = 0.25;
        var reports = new List<TrainingProgress>();
        using var model = Trainer(ml, options, new SynchronousProgress(reports.Add)).Fit(Data(ml, PredictionTask.BinaryClassification, 200, 3));
        Assert.IsTrue(reports.All(r => r.ValidationLoss is > 0 and < 10), string.Join(", ", reports.Select(r => r.ValidationLoss)));
    }

    [TestMethod]
    public void Fit_ImbalancedBinary_NewtonStepsStayWithinTheCap_TheReferencePresetsDoNot()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(ImbalancedBinary(600, 2));
        var capped = GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference();
        capped.TotalHiddenUnits = 10;
        capped.MaxIterations = 30;
        capped.Seed = 1;
        capped.MaxNewtonStep = 2;
        var reference = capped.Clone();
        reference.MaxNewtonStep = null;
        using var cappedModel = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(capped).Fit(data);
        using var referenceModel = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(reference).Fit(data);

        Assert.IsTrue(cappedModel.Model.Steps.All(s => Math.Abs(s.Rho) <= 2), string.Join(", ", cappedModel.Model.Steps.Select(s => s.Rho)));
        Assert.IsGreaterThan(2, referenceModel.Model.Steps.Max(s => Math.Abs(s.Rho)), "imbalanced labels give Newton steps above 2");
    }

    /// <summary>The defaults beat the base rate and the reference preset on unseen imbalanced rows. (This test used to assert that
    /// the reference preset is worse than the base rate; that was seed 1's outcome only: over seeds 1–8 the preset's log-loss
    /// ranges from 0.36 to 20 bits against a base rate of 0.55, while the defaults' stays at 0.28–0.35 and their AUC at 0.90–0.91
    /// against the preset's 0.69–0.88.)</summary>
    [TestMethod]
    public void Defaults_ImbalancedBinary_BeatTheBaseRateAndTheReferencePresetOnUnseenRows()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(ImbalancedBinary(800, 1));
        var testRows = ImbalancedBinary(2000, 2);
        var test = ml.Data.LoadFromEnumerable(testRows);
        double rate = testRows.Average(r => r.Label ? 1.0 : 0.0);
        double baseRate = -(rate * Math.Log2(rate) + (1 - rate) * Math.Log2(1 - rate)); // ML.NET's log-loss is in bits

        var defaults = new GradientBoostedNeuralNetworkBinaryTrainer.Options { Seed = 1, MaxIterations = 50 };
        var reference = GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference();
        reference.Seed = 1;
        reference.MaxIterations = 50;
        using var defaultModel = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(defaults).Fit(train);
        using var referenceModel = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(reference).Fit(train);
        var ours = ml.BinaryClassification.Evaluate(defaultModel.Transform(test));
        var theirs = ml.BinaryClassification.Evaluate(referenceModel.Transform(test));

        Assert.IsLessThan(baseRate, ours.LogLoss, $"defaults: log-loss {ours.LogLoss}, base rate {baseRate}, AUC {ours.AreaUnderRocCurve}");
        Assert.IsGreaterThan(0.8, ours.AreaUnderRocCurve, $"defaults: AUC {ours.AreaUnderRocCurve}");
        Assert.IsLessThan(theirs.LogLoss, ours.LogLoss, $"defaults {ours.LogLoss} against the reference preset {theirs.LogLoss}");
        Assert.IsGreaterThan(theirs.AreaUnderRocCurve, ours.AreaUnderRocCurve, $"AUC: defaults {ours.AreaUnderRocCurve}, reference preset {theirs.AreaUnderRocCurve}");
        Assert.IsTrue(double.IsFinite(theirs.LogLoss), "probabilities are clamped inside (0, 1)");
    }

    [TestMethod]
    public void Reference_IsTheReferenceImplementationsSettings()
    {
        foreach (GradientBoostedNeuralNetworkOptionsBase o in new GradientBoostedNeuralNetworkOptionsBase[]
        {
            GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference(), GradientBoostedNeuralNetworkMulticlassTrainer.Options.Reference(),
            GradientBoostedNeuralNetworkRegressionTrainer.Options.Reference(),
        })
        {
            Assert.AreEqual((200, 1, 1.0, 0.5, 200, 1e-4), (o.TotalHiddenUnits, o.UnitsPerStep, o.LearningRate, o.Subsample, o.MaxIterations, o.L2Regularization));
            Assert.IsNull(o.MaxNewtonStep);
            Assert.AreEqual(0, o.ValidationFraction);
            Assert.IsNull(o.EarlyStoppingPatience);
            o.Validate();
        }

        Assert.IsFalse(GradientBoostedNeuralNetworkRegressionTrainer.Options.Reference().StandardizeTarget);
    }

    [TestMethod]
    public void Options_BadValidationSettings_ThrowNamingTheOption()
    {
        var ml = new MLContext(1);
        Assert.AreEqual("EarlyStoppingPatience", Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { ValidationFraction = 0 })).ParamName);
        Assert.AreEqual("EarlyStoppingPatience", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { EarlyStoppingPatience = 0 })).ParamName);
        Assert.AreEqual("ValidationFraction", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { ValidationFraction = 0.6 })).ParamName);
        Assert.AreEqual("MaxNewtonStep", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { MaxNewtonStep = double.NaN })).ParamName);

        // Validation data with other columns, and a fraction that holds out nothing of a rare class.
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1));
        var wrong = ml.Data.LoadFromEnumerable(SyntheticData.Regression(20, 1));
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { ValidationData = wrong }).Fit(train));
        StringAssert.Contains(mismatch.Message, "Label");
        var tiny = ml.Data.LoadFromEnumerable(SyntheticData.Binary(8, 1));
        Assert.AreEqual("ValidationFraction", Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { ValidationFraction = 0.05 }).Fit(tiny)).ParamName);
    }

    [TestMethod]
    public void Fit_BadValidationData_IsNamedAsValidationData()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(100, 1));
        ArgumentException Fit(IDataView validation) => Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { ValidationData = validation }).Fit(train));

        var withNaN = SyntheticData.Binary(20, 2);
        withNaN[3].Features[1] = float.NaN;
        var nan = Fit(ml.Data.LoadFromEnumerable(withNaN));
        Assert.AreEqual("ValidationData", nan.ParamName);
        StringAssert.Contains(nan.Message, "ValidationData");

        var empty = Fit(ml.Data.LoadFromEnumerable(new List<SyntheticData.BinaryRow>()));
        Assert.AreEqual("ValidationData", empty.ParamName);
        StringAssert.Contains(empty.Message, "ValidationData has no rows");

        var renamed = ml.Transforms.CopyColumns("Other", "Features").Fit(train).Transform(train);
        var missing = Fit(ml.Transforms.DropColumns("Features").Fit(renamed).Transform(renamed));
        Assert.AreEqual("ValidationData", missing.ParamName);
        StringAssert.StartsWith(missing.Message, "ValidationData:");
    }

    [TestMethod]
    public void Fit_CancelledToken_ThrowsBeforeReadingTheData()
    {
        var ml = new MLContext(1);
        int rowsRead = 0;
        var counted = ml.Data.LoadFromEnumerable(SyntheticData.Binary(3000, 1).Select(r => { rowsRead++; return r; }));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var trainer = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkBinaryTrainer.Options());
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(counted, cancelled.Token));
        Assert.AreEqual(0, rowsRead, "a cancelled token must stop the fit before the data is packed");
    }

    /// <summary>
    /// About 5% positives: true when x0 + x1² &gt; 1.15 (4 features in [−1, 1]), 2% of labels flipped, six pure-noise features added.
    /// </summary>
    internal static List<ImbalancedRow> ImbalancedBinary(int rows, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Enumerable.Range(0, 10).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
            bool label = x[0] + x[1] * x[1] > 1.15;
            if (r.NextDouble() < 0.02) label = !label;
            return new ImbalancedRow { Features = x, Label = label };
        }).ToList();
    }

    /// <summary>A binary row with ten features.</summary>
    internal sealed class ImbalancedRow
    {
        [VectorType(10)] public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    /// <summary>Calls the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
