using System.Globalization;

namespace MLExtensions.Tests.Training;

/// <summary>
/// The training loop's results for fixed seeds, against values recorded from the loop as it was before the per-step overhead was
/// removed (commit ad657e0, issue #13): each epoch's training loss and the sum of |w| over the final weights. On the machine that
/// recorded them they match to the last bit; the relative tolerance only leaves room for other CPUs' kernels.
/// </summary>
[TestClass]
public sealed class LoopResultStabilityTests
{
    private const double Tolerance = 1e-5;

    /// <summary>Multiclass, Adam, no clipping or decay: the <c>-- fashion-mnist</c> configuration in small.</summary>
    [TestMethod]
    public void Multiclass_Adam_MatchesTheRecordedRun()
    {
        var options = Options(new NeuralNetworkMulticlassTrainer.Options(), new AdamSpec(LearningRate: 1e-2));
        Check(options, PredictionTask.MulticlassClassification, Multiclass(90), [1.0866762691073948, 1.0380535231696235, 1.0155963844723173], 20.65019144443795);
    }

    /// <summary>Regression with the loop's clipping and decoupled weight decay, AdamW, a cosine schedule.</summary>
    [TestMethod]
    public void Regression_ClippingAndWeightDecay_MatchesTheRecordedRun()
    {
        var options = Options(new NeuralNetworkRegressionTrainer.Options(), new AdamWSpec(LearningRate: 1e-2));
        options.GradientClipNorm = 0.5;
        options.WeightDecay = 0.01;
        options.LearningRateSchedule = new CosineSchedule();
        Check(options, PredictionTask.Regression, LoopTestData.Regression(90, features: 4), [0.9541639486948649, 0.9117554088433584, 0.8806562463442484], 18.80227634590119);
    }

    /// <summary>Binary with example weights, dropout, per-batch progress reports and SGD with momentum.</summary>
    [TestMethod]
    public void Binary_WeightsDropoutProgress_MatchesTheRecordedRun()
    {
        var options = Options(new NeuralNetworkBinaryTrainer.Options(), new SgdSpec(LearningRate: 0.05, Momentum: 0.9));
        options.Dropout = 0.2;
        options.ProgressBatchInterval = 2;
        Check(options, PredictionTask.BinaryClassification, Binary(90), [0.7032329731517368, 0.6921949876679314, 0.6975566307703654], 16.9252785500139, new Progress<TrainingProgress>(_ => { }));
    }

    /// <summary>The adaptive batch-size policy (per-sample gradient statistics, growing batches).</summary>
    [TestMethod]
    public void AdaptiveBatchSize_MatchesTheRecordedRun()
    {
        var options = Options(new NeuralNetworkRegressionTrainer.Options(), new AdamSpec(LearningRate: 1e-2));
        options.BatchSizePolicy = new AdaptiveBatchSize(Eta: 0.05, MaxBatchSize: 24);
        Check(options, PredictionTask.Regression, LoopTestData.Regression(90, features: 4), [0.9634910040431552, 0.9428490241368611, 0.9170058528582256], 18.655397176742554);
    }

    /// <summary>Switching the profile on changes nothing but the measurements, and it counts every step.</summary>
    [TestMethod]
    public void Profile_DoesNotChangeTheRun_AndCountsEveryStep()
    {
        var data = Multiclass(90);
        var plain = Options(new NeuralNetworkMulticlassTrainer.Options(), new AdamSpec(LearningRate: 1e-2));
        var profiled = Options(new NeuralNetworkMulticlassTrainer.Options(), new AdamSpec(LearningRate: 1e-2));
        var profile = new TrainingLoopProfile();
        profiled.Profile = profile;
        var (lossesA, weightsA) = Run(plain, PredictionTask.MulticlassClassification, data);
        var (lossesB, weightsB) = Run(profiled, PredictionTask.MulticlassClassification, data);
        CollectionAssert.AreEqual(lossesA, lossesB);
        Assert.AreEqual(weightsA, weightsB);
        Assert.AreEqual(3L * 12, profile.Steps, "3 epochs of 12 batches (90 rows, batch 8)");
        Assert.IsTrue(Enum.GetValues<TrainingLoopPhase>().All(p => profile.Seconds(p) >= 0));
    }

    private static T Options<T>(T options, OptimizerSpec optimizer) where T : NeuralNetworkOptionsBase
    {
        options.HiddenLayerSizes = [6, 5];
        options.Dropout = 0;
        options.Epochs = 3;
        options.BatchSize = 8;
        options.ValidationFraction = 0;
        options.EarlyStoppingPatience = null;
        options.Seed = 3;
        options.Device = DeviceKind.Cpu;
        options.Optimizer = optimizer;
        return options;
    }

    private static void Check(NeuralNetworkOptionsBase options, PredictionTask task, PackedData data, double[] expectedLosses, double expectedWeightSum,
                              IProgress<TrainingProgress>? progress = null)
    {
        var (losses, weightSum) = Run(options, task, data, progress);
        string actual = "[" + string.Join(", ", losses.Select(l => l.ToString("R", CultureInfo.InvariantCulture))) + "], " +
                        weightSum.ToString("R", CultureInfo.InvariantCulture);
        Assert.AreEqual(expectedLosses.Length, losses.Length, $"epochs; actual {actual}");
        for (int i = 0; i < losses.Length; i++)
            Assert.AreEqual(expectedLosses[i], losses[i], Tolerance * Math.Abs(expectedLosses[i]), $"training loss of epoch {i + 1}; actual {actual}");
        Assert.AreEqual(expectedWeightSum, weightSum, Tolerance * Math.Abs(expectedWeightSum), $"sum of |final weights|; actual {actual}");
    }

    private static (double[] Losses, double WeightSum) Run(NeuralNetworkOptionsBase options, PredictionTask task, PackedData data,
                                                         IProgress<TrainingProgress>? progress = null)
    {
        options.Validate();
        var result = new NeuralTrainingLoop(options, task, classCount: 3).Run(data, null, seed: 3, progress);
        using var network = result.Network;
        double sum = network.GetWeights().Sum(w => w.Values.Sum(v => Math.Abs((double)v)));
        return (result.History.Select(e => e.TrainingLoss).ToArray(), sum);
    }

    private static PackedData Multiclass(int rows)
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => (float)((x[4 * i] + x[4 * i + 1] > 1 ? 1 : 0) + (x[4 * i + 2] > 0.6 ? 1 : 0))).ToArray();
        return new PackedData(x, y, null, rows, 4);
    }

    private static PackedData Binary(int rows)
    {
        var random = new Random(9);
        var x = Enumerable.Range(0, rows * 4).Select(_ => (float)random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => x[4 * i] - x[4 * i + 3] > 0 ? 1f : 0f).ToArray();
        var w = Enumerable.Range(0, rows).Select(i => 0.5f + (i % 3)).ToArray();
        return new PackedData(x, y, w, rows, 4);
    }
}
