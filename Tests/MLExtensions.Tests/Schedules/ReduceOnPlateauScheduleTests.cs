using System.Text.Json;
using Microsoft.ML;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Schedules;

/// <summary>
/// <see cref="ReduceOnPlateauSchedule"/> against torch 1.13.1's <c>ReduceLROnPlateau</c> (TestData/Golden/schedules/torch_plateau.json,
/// made by make_torch_plateau.py): 31 cases of two groups, every group's rate after every epoch's metric.
/// </summary>
[TestClass]
public sealed class ReduceOnPlateauScheduleTests
{
    private static readonly JsonElement s_golden = ScheduleGolden.Load("torch_plateau.json");

    public static IEnumerable<object[]> Cases => ScheduleGolden.CaseNames(s_golden);

    internal static ReduceOnPlateauSchedule FromTorchArguments(JsonElement a) => new(
        Gamma: a.GetProperty("factor").GetDouble(),
        Patience: a.GetProperty("patience").GetInt32(),
        Threshold: a.GetProperty("threshold").GetDouble(),
        ThresholdMode: a.GetProperty("threshold_mode").GetString() == "rel" ? PlateauThresholdMode.Relative : PlateauThresholdMode.Absolute,
        Cooldown: a.GetProperty("cooldown").GetInt32(),
        MinLearningRate: a.GetProperty("min_lr").GetDouble(),
        Epsilon: a.GetProperty("eps").GetDouble(),
        Mode: a.GetProperty("mode").GetString() == "min" ? PlateauMode.Minimize : PlateauMode.Maximize);

    [TestMethod, DynamicData(nameof(Cases))]
    public void Rates_MatchTorchReduceLROnPlateau(string name)
    {
        var c = s_golden.GetProperty("cases").GetProperty(name);
        var schedule = FromTorchArguments(c.GetProperty("args"));
        var initial = c.GetProperty("initial").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using var scope = NewDisposeScope();
        using var optimizer = new Sgd([new Sgd.ParamGroup([new Parameter(zeros(2))], new Sgd.Options { LearningRate = initial[0] }),
                                       new Sgd.ParamGroup([new Parameter(zeros(3))], new Sgd.Options { LearningRate = initial[1] })], lr: initial[0]);
        using var controller = (IMetricFeedbackController)schedule.CreateController(optimizer);
        var metrics = c.GetProperty("metrics").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();
        var expected = c.GetProperty("rates").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        for (int epoch = 0; epoch < metrics.Length; epoch++)
        {
            controller.ObserveMetric(metrics[epoch]);
            var context = new TrainingStepContext(epoch, metrics.Length, epoch, epoch + 1, epoch, metrics.Length, 1);
            controller.BeforeStep(context);
            var groups = optimizer.ParamGroups.ToArray();
            for (int g = 0; g < 2; g++)
                Assert.AreEqual(expected[epoch][g], groups[g].LearningRate, 1e-15 * expected[epoch][g], $"{name}: group {g} after epoch {epoch + 1}");
        }
    }

    [TestMethod]
    public void TheBaseScheduleAndTheBatchSizeScaleMultiplyTheReducedRate()
    {
        using var scope = NewDisposeScope();
        using var optimizer = new Sgd([new Parameter(zeros(2))], lr: 0.1);
        var schedule = new ReduceOnPlateauSchedule(Base: new WarmupSchedule(new ConstantSchedule(), WarmupFraction: 0.5), Patience: 0, Gamma: 0.5);
        using var controller = (IMetricFeedbackController)schedule.CreateController(optimizer);
        var group = optimizer.ParamGroups.Single();
        controller.BeforeStep(new TrainingStepContext(0, 10, 0, 1, 0, 10, 1));
        Assert.AreEqual(0.1 * schedule.Factor(0, 10), group.LearningRate, 1e-15);
        controller.ObserveMetric(1.0);
        controller.ObserveMetric(1.0);   // no improvement, patience 0: halved
        controller.BeforeStep(new TrainingStepContext(8, 10, 8, 2, 8, 10, 1, LearningRateScale: 2));
        Assert.AreEqual(0.05 * 2, group.LearningRate, 1e-15);
    }

    [TestMethod]
    public void TheTrainerFeedsTheValidationLoss_AndTheRateDropsWhenItStalls()
    {
        // A learning rate far too large makes the validation loss stall at once; with patience 1 the rate must drop within a few
        // epochs, and every drop is by Gamma, after two epochs without improvement, as the history's losses say.
        var ml = new MLContext(1);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            float a = (float)rng.NextDouble() * 2 - 1, b = (float)rng.NextDouble() * 2 - 1;
            return new Row { Features = [a, b], Label = a * b + 0.3f * (float)(rng.NextDouble() - 0.5) };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [16], Epochs = 25, BatchSize = 32, Seed = 1, NumberOfThreads = 1, ValidationFraction = 0.2,
            EarlyStoppingPatience = null, Optimizer = new SgdSpec(LearningRate: 0.3, Momentum: 0.9),
            LearningRateSchedule = new ReduceOnPlateauSchedule(Gamma: 0.5, Patience: 1),
        });
        var history = trainer.Fit(data).Model.History!;
        var rates = history.Select(e => e.LearningRate).ToArray();
        Assert.IsTrue(rates.Distinct().Count() >= 2, "the rate dropped: " + string.Join(", ", rates));
        // Replay the rule on the recorded validation losses: the epoch-e rate is what the losses of epochs 1 … e−1 imply.
        double best = double.PositiveInfinity, rate = 0.3;
        int bad = 0;
        for (int e = 0; e < rates.Length; e++)
        {
            Assert.AreEqual(rate, rates[e], 1e-12, $"epoch {e + 1}");
            double loss = history[e].ValidationLoss!.Value;
            if (loss < best * (1 - 1e-4)) { best = loss; bad = 0; } else bad++;
            if (bad > 1) { rate *= 0.5; bad = 0; }
        }
    }

    [TestMethod]
    public void ItRoundTripsThroughJsonAndBadArgumentsNameTheMember()
    {
        LearningRateScheduleSpec spec = new ReduceOnPlateauSchedule(Gamma: 0.2, Patience: 3, ThresholdMode: PlateauThresholdMode.Absolute, Mode: PlateauMode.Maximize);
        var json = JsonSerializer.Serialize(spec);
        StringAssert.Contains(json, "\"kind\":\"plateau\"");
        Assert.AreEqual(spec, JsonSerializer.Deserialize<LearningRateScheduleSpec>(json));
        Assert.AreEqual("Gamma", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Gamma: 1).Validate()).ParamName);
        Assert.AreEqual("Patience", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Patience: -1).Validate()).ParamName);
        Assert.AreEqual("Threshold", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Threshold: double.NaN).Validate()).ParamName);
        Assert.AreEqual("Cooldown", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Cooldown: -2).Validate()).ParamName);
        Assert.AreEqual("MinLearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(MinLearningRate: -1).Validate()).ParamName);
        Assert.AreEqual("Mode", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Mode: (PlateauMode)7).Validate()).ParamName);
        Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Base: new ReduceOnPlateauSchedule()).Validate()).ParamName);
    }

    [TestMethod]
    public void AFeedbackScheduleInsideAnotherScheduleIsRefused_AClosedFormOneIsTaken()
    {
        // A schedule that holds another uses only its factor: a feedback schedule there would lose its feedback without a word.
        LearningRateScheduleSpec[] feedback = [new ReduceOnPlateauSchedule(), new HypergradientSchedule(), new LantonSchedule()];
        foreach (var inner in feedback)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new WarmupSchedule(inner).Validate());
            Assert.AreEqual("After", e.ParamName);
            StringAssert.Contains(e.Message, "Base");
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Base: inner).Validate()).ParamName);
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(Base: inner).Validate()).ParamName);
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Base: inner).Validate()).ParamName);
        }

        new ReduceOnPlateauSchedule(Base: new RefinedSchedule([1.0, 0.5])).Validate();
        new ReduceOnPlateauSchedule(Base: new WarmupSchedule(new CosineSchedule())).Validate();
        new WarmupSchedule(new OneCycleSchedule(CycleMomentum: false)).Validate();
    }

    [TestMethod]
    public void AMomentumCycleInsideAnotherScheduleIsRefused_WithTheCycleOffItIsTaken()
    {
        // Only a schedule given directly cycles the momentum; held by another, its cycle would be lost without a word.
        LearningRateScheduleSpec[] cycling = [new OneCycleSchedule(), new CyclicSchedule()];
        foreach (var inner in cycling)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new WarmupSchedule(inner).Validate());
            Assert.AreEqual("After", e.ParamName);
            StringAssert.Contains(e.Message, "CycleMomentum: false");
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceOnPlateauSchedule(Base: inner).Validate()).ParamName);
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(Base: inner).Validate()).ParamName);
            Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Base: inner).Validate()).ParamName);
        }

        new WarmupSchedule(new CyclicSchedule(CycleMomentum: false)).Validate();
        new ReduceOnPlateauSchedule(Base: new OneCycleSchedule(CycleMomentum: false)).Validate();
        new OneCycleSchedule().Validate();
    }

    private sealed class Row
    {
        [Microsoft.ML.Data.VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
