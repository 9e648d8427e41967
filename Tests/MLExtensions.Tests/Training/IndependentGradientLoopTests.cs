using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Training;

/// <summary>
/// LANTON's option I (<see cref="LantonNoiseEstimate.IndependentGradient"/>) inside the trainers' loop: before each step the loop
/// computes the gradient of a second, independent minibatch at the same weights and hands it to the controller, without changing
/// the step itself.
/// </summary>
[TestClass]
public sealed class IndependentGradientLoopTests
{
    private static readonly LantonSchedule OptionI = new(Noise: LantonNoiseEstimate.IndependentGradient);
    private static readonly LantonSchedule OptionII = new();

    /// <summary>A rule that keeps every layer at its group's rate, whatever the noise: runs then differ only by side effects.</summary>
    private sealed class GroupRateRule : ILantonRateRule
    {
        public void Ratios(ReadOnlySpan<double> noise, Span<double> ratios) => ratios.Fill(1.0);
    }

    private static PackedData Multiclass(int rows, int seed)
    {
        var classes = new[] { "high", "low", "mid" };
        var data = SyntheticData.Multiclass(rows, seed);
        return new PackedData(data.SelectMany(r => r.Features).ToArray(), data.Select(r => (float)Array.IndexOf(classes, r.Label)).ToArray(), null,
            rows, SyntheticData.FeatureCount);
    }

    private static NeuralNetworkMulticlassTrainer.Options Options(LearningRateScheduleSpec schedule, int batchSize = 16, double dropout = 0) => new()
    {
        HiddenLayerSizes = [8, 8],
        Optimizer = new MuonSpec(),
        LearningRateSchedule = schedule,
        Dropout = dropout,
        Epochs = 3,
        BatchSize = batchSize,
        ValidationFraction = 0,
        EarlyStoppingPatience = null,
        Seed = 3,
        Device = DeviceKind.Cpu,
        NumberOfThreads = 1,
    };

    private static TrainingResult Run(NeuralNetworkOptionsBase options, PackedData train, PackedData? validation = null)
    {
        options.Validate();
        return new NeuralTrainingLoop(options, PredictionTask.MulticlassClassification, 3).Run(train, validation, seed: 3);
    }

    private static float[] Weights(TrainingResult result) => result.Network.GetWeights().SelectMany(w => w.Values).ToArray();

    private static double MaxDifference(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    [TestMethod]
    public void Loop_OptionI_HandsOverTheGradientOfAnotherBatchAtTheSameWeights_ThenStepsOnItsOwnBatch()
    {
        var data = Multiclass(120, 1);
        var probe = new IndependentGradientProbe(OptionI);
        using (var result = Run(Options(probe), data).Network) { }
        int steps = 3 * 8; // 120 rows in batches of 16
        Assert.AreEqual(steps, probe.StepGradients.Count);
        Assert.AreEqual(steps, probe.IndependentGradients.Count, "one independent gradient before every step");
        for (int t = 0; t < steps; t++)
        {
            CollectionAssert.AreEqual(probe.WeightsAtStep[t], probe.WeightsAtIndependent[t], $"step {t}: the same weights");
            double difference = MaxDifference(probe.StepGradients[t], probe.IndependentGradients[t]);
            Assert.IsTrue(difference > 1e-4, $"step {t}: the independent gradient is another batch's (max |G − G̃| = {difference})");
        }

        // The step's own first gradient is option II's: the same weights, the same batch (the second batch has a generator of its own).
        var previous = new IndependentGradientProbe(OptionII);
        using (var result = Run(Options(previous), data).Network) { }
        CollectionAssert.AreEqual(previous.StepGradients[0], probe.StepGradients[0]);
        Assert.AreEqual(0, previous.IndependentGradients.Count, "option II asks for none");
    }

    [TestMethod]
    public void Loop_OptionIWithClipping_ClipsTheIndependentGradientLikeTheStepsOwn()
    {
        var probe = new IndependentGradientProbe(OptionI);
        var options = Options(probe);
        options.GradientClipNorm = 0.05;
        using (var result = Run(options, Multiclass(120, 1)).Network) { }
        static double Norm(double[] g) => Math.Sqrt(g.Sum(v => v * v));
        Assert.IsTrue(probe.StepGradients.All(g => Norm(g) <= 0.05 + 1e-6), "the step's gradient is clipped");
        Assert.IsTrue(probe.IndependentGradients.All(g => Norm(g) <= 0.05 + 1e-6), "so is the independent one, by its own norm");
        Assert.IsTrue(probe.IndependentGradients.All(g => Norm(g) > 0.04), "clipped, not vanished (the unclipped norms are above 0.05)");
    }

    [TestMethod]
    public void Loop_OptionIWithLayerRatesFixedAtOne_IsTheOptionIIRunExactly_WithBatchNormDropoutClippingAndValidation()
    {
        // With the rates fixed, option I's only differences are the second batch's side effects: the epoch's order, dropout masks,
        // batch norm's running statistics, weights or optimizer state would all show in the losses and final weights.
        var train = Multiclass(120, 1);
        var validation = Multiclass(40, 2);
        TrainingResult Fit(LantonSchedule schedule)
        {
            var options = Options(new IndependentGradientProbe(schedule, new GroupRateRule()), dropout: 0.2);
            options.Normalization = NormalizationKind.BatchNorm;
            options.GradientClipNorm = 0.5;
            return Run(options, train, validation);
        }
        var optionI = Fit(OptionI);
        var optionII = Fit(OptionII);
        try
        {
            CollectionAssert.AreEqual(optionII.History.Select(h => h.TrainingLoss).ToArray(), optionI.History.Select(h => h.TrainingLoss).ToArray());
            for (int e = 0; e < 3; e++) Assert.AreEqual(optionII.History[e].ValidationLoss!.Value, optionI.History[e].ValidationLoss!.Value, 1e-6);
            CollectionAssert.AreEqual(Weights(optionII), Weights(optionI), "weights and batch norm's running statistics");
        }
        finally
        {
            optionI.Network.Dispose();
            optionII.Network.Dispose();
        }
    }

    [TestMethod]
    public void Loop_OptionIAndII_GiveDifferentRateHistories_EachDeterministicForASeed()
    {
        var data = Multiclass(120, 1);
        IndependentGradientProbe Probe(LantonSchedule schedule)
        {
            var probe = new IndependentGradientProbe(schedule);
            using (var result = Run(Options(probe), data).Network) { }
            Assert.IsTrue(probe.Rates.All(r => r.All(double.IsFinite)));
            return probe;
        }
        var first = Probe(OptionI);
        var optionI = first.Rates;
        var optionII = Probe(OptionII);
        var again = Probe(OptionI).Rates;
        for (int t = 0; t < optionI.Count; t++) CollectionAssert.AreEqual(optionI[t], again[t], $"step {t}: deterministic");
        // Step 0: option II has no previous gradient yet (every layer at its group's rate); option I has an estimate at once.
        Assert.IsTrue(optionII.Ratios[0].All(r => r == 1), "option II's first step: every layer at its group's rate");
        Assert.IsTrue(first.Ratios[0].Any(r => r < 1), "option I's first step already has layer rates");
        Assert.AreEqual(optionI.Count, optionII.Rates.Count);
        int differing = Enumerable.Range(0, optionI.Count).Count(t => MaxDifference(optionI[t], optionII.Rates[t]) > 1e-9);
        Assert.IsTrue(differing > optionI.Count / 2, $"the per-group rates differ in most steps ({differing} of {optionI.Count})");
    }

    [TestMethod]
    public void Loop_OneBatchPerEpoch_SecondBatchIsTheStepsOwn_NoNoise_EveryLayerAtTheGroupRate()
    {
        // A full-batch gradient has no sampling noise: the only "second batch" is the batch itself, G̃ = G exactly and H = 0.
        var data = Multiclass(60, 1);
        var probe = new IndependentGradientProbe(OptionI);
        using (var result = Run(Options(probe, batchSize: 64), data).Network) { }
        Assert.AreEqual(3, probe.StepGradients.Count, "one step per epoch");
        for (int t = 0; t < 3; t++)
        {
            CollectionAssert.AreEqual(probe.StepGradients[t], probe.IndependentGradients[t], $"step {t}: G̃ = G");
            Assert.IsTrue(probe.Noise[t].Where(h => !double.IsNaN(h)).All(h => h == 0), $"step {t}: H = 0");
            Assert.IsTrue(probe.Ratios[t].All(r => r == 1), $"step {t}: every layer at its group's rate");
        }

        // With dropout the second pass draws its own masks: then H > 0 (the dropout noise), still without an error.
        var dropout = new IndependentGradientProbe(OptionI);
        using (var result = Run(Options(dropout, batchSize: 64, dropout: 0.3), data).Network) { }
        Assert.IsTrue(dropout.Noise[0].Where(h => !double.IsNaN(h)).All(h => h > 0), "dropout noise");
    }

    private static MulticlassClassificationMetrics FitAndEvaluate(MLContext ml, NeuralNetworkMulticlassTrainer.Options options, out float[] weights,
                                                              out IReadOnlyList<EpochRecord> history)
    {
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(SyntheticData.MulticlassView(ml, 300, 1));
        weights = model.Model.Weights.SelectMany(w => w.Values).ToArray();
        history = model.Model.History;
        return ml.MulticlassClassification.Evaluate(model.Transform(SyntheticData.MulticlassView(ml, 200, 2)));
    }

    [TestMethod]
    public void Fit_MulticlassOnMuonWithOptionI_LearnsAndIsDeterministicForASeed()
    {
        var ml = new MLContext(1);
        NeuralNetworkMulticlassTrainer.Options Configure(LantonSchedule schedule)
        {
            var options = Options(new LantonSchedule(new CosineSchedule(), Noise: schedule.Noise), batchSize: 32);
            options.Epochs = 8;
            options.Optimizer = new MuonSpec(LearningRate: 0.1);
            return options;
        }
        var metrics = FitAndEvaluate(ml, Configure(OptionI), out var first, out var history);
        FitAndEvaluate(ml, Configure(OptionI), out var second, out _);
        FitAndEvaluate(ml, Configure(OptionII), out var optionII, out _);
        Assert.IsTrue(metrics.MacroAccuracy > 0.8, $"macro accuracy {metrics.MacroAccuracy}");
        Assert.IsTrue(history.All(h => double.IsFinite(h.TrainingLoss) && h.LearningRate <= 0.1 + 1e-15), "form A never exceeds the group's rate");
        CollectionAssert.AreEqual(first, second, "the same seed gives the same network");
        CollectionAssert.AreNotEqual(first, optionII, "option I is another run than option II");
    }

    public static IEnumerable<object[]> OtherTasks => [[PredictionTask.BinaryClassification], [PredictionTask.Regression]];

    [TestMethod]
    [DynamicData(nameof(OtherTasks))]
    public void Fit_BinaryAndRegressionWithOptionI_TrainAndAreDeterministic(PredictionTask task)
    {
        var ml = new MLContext(1);
        float[] Fit()
        {
            NeuralNetworkOptionsBase options = task == PredictionTask.Regression ? new NeuralNetworkRegressionTrainer.Options() : new NeuralNetworkBinaryTrainer.Options();
            options.HiddenLayerSizes = [8, 8];
            options.Optimizer = new MuonSpec();
            options.LearningRateSchedule = OptionI;
            options.Epochs = 3;
            options.BatchSize = 16;
            options.Seed = 2;
            options.NumberOfThreads = 1;
            using var model = options is NeuralNetworkRegressionTrainer.Options r
                ? ml.Regression.Trainers.NeuralNetwork(r).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(150, 1)))
                : ml.BinaryClassification.Trainers.NeuralNetwork((NeuralNetworkBinaryTrainer.Options)options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(150, 1)));
            Assert.IsTrue(model.Model.History.All(h => double.IsFinite(h.TrainingLoss)));
            return model.Model.Weights.SelectMany(w => w.Values).ToArray();
        }
        CollectionAssert.AreEqual(Fit(), Fit());
    }

    [TestMethod]
    public void Fit_OptionIStreamedWithOneChunk_IsTheInMemoryFitExactly_AndInSmallChunksTrains()
    {
        var ml = new MLContext(1);
        var data = SyntheticData.MulticlassView(ml, 200, 4);
        NeuralNetworkMulticlassTrainer.Options Configure(long? budget, int chunk)
        {
            var options = Options(OptionI, dropout: 0.1);
            options.ValidationFraction = 0.2;
            if (budget is { } b) options.MemoryBudgetBytes = b;
            options.StreamingChunkRows = chunk;
            return options;
        }
        using var inMemory = ml.MulticlassClassification.Trainers.NeuralNetwork(Configure(null, 1_000)).Fit(data);
        using var streamed = ml.MulticlassClassification.Trainers.NeuralNetwork(Configure(3_000, 1_000)).Fit(data);
        CollectionAssert.AreEqual(inMemory.Model.Weights.SelectMany(w => w.Values).ToArray(), streamed.Model.Weights.SelectMany(w => w.Values).ToArray());
        using var chunked = ml.MulticlassClassification.Trainers.NeuralNetwork(Configure(3_000, 40)).Fit(data);
        Assert.IsTrue(chunked.Model.History.All(h => double.IsFinite(h.TrainingLoss) && h.OptimizerSteps == 10), "160 rows in 10 batches of 16");
    }

    [TestMethod]
    public void Fit_OptionIOnSparseRows_GivesTheDenseFitsLosses()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SparseFeatureTests.Rows(160, 3));
        IReadOnlyList<EpochRecord> Fit(SparseFeatureMode mode)
        {
            var options = Options(OptionI, dropout: 0.1);
            options.HiddenLayerSizes = [8];
            options.SparseFeatures = mode;
            using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(data);
            return model.Model.History;
        }
        var sparse = Fit(SparseFeatureMode.Sparse);
        var dense = Fit(SparseFeatureMode.Dense);
        for (int e = 0; e < 3; e++) Assert.AreEqual(dense[e].TrainingLoss, sparse[e].TrainingLoss, 1e-5, $"training loss, epoch {e + 1}");
    }

    [TestMethod]
    public void Fit_OptionIWithAdversarialTraining_TrainsAndIsDeterministic()
    {
        var ml = new MLContext(1);
        var data = SyntheticData.MulticlassView(ml, 120, 1);
        float[] Fit()
        {
            var options = Options(OptionI);
            options.Epochs = 2;
            options.AdversarialTraining = new AdversarialTrainingOptions { Epsilon = 0.05, Iterations = 2 };
            using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(data);
            Assert.IsTrue(model.Model.History.All(h => double.IsFinite(h.TrainingLoss)));
            return model.Model.Weights.SelectMany(w => w.Values).ToArray();
        }
        CollectionAssert.AreEqual(Fit(), Fit());
    }
}
