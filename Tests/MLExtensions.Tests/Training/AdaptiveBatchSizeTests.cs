using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Training;

/// <summary>
/// AdAdaGrad's adaptive batch size (D3): the analytic per-sample statistics against autograd sample by sample, the exact pass/fail
/// boundary of each test, a batch that only grows up to its cap, and the loop's batches, progress in samples and history.
/// </summary>
[TestClass]
public sealed class AdaptiveBatchSizeTests
{
    [TestMethod]
    [DataRow(NormalizationKind.None, PredictionTask.Regression)]
    [DataRow(NormalizationKind.LayerNorm, PredictionTask.Regression)]
    [DataRow(NormalizationKind.None, PredictionTask.MulticlassClassification)]
    public void AnalyticStatistics_EqualAPerSampleAutogradLoop(NormalizationKind normalization, PredictionTask task)
    {
        const int rows = 6, inputs = 4;
        bool multiclass = task == PredictionTask.MulticlassClassification;
        using var generator = new Generator(11);
        using var network = new MlpNetwork(new MlpArchitecture(inputs, [5, 3], ActivationKind.Tanh, normalization, 0, multiclass ? 3 : 1), generator);
        using var scope = NewDisposeScope();
        var x = torch.rand([rows, inputs], generator: generator);
        var y = multiclass ? torch.tensor(new long[] { 0, 2, 1, 1, 0, 2 }) : torch.rand([rows], generator: generator);
        Tensor LossOf(Tensor output, Tensor labels) => multiclass
            ? nn.functional.cross_entropy(output, labels)
            : (output.squeeze(1) - labels).pow(2).mean();
        var parameters = network.parameters().ToList();

        // Brute force: one backward pass per sample.
        var perSample = new List<double[]>();
        for (int i = 0; i < rows; i++)
        {
            network.zero_grad();
            LossOf(network.forward(x.narrow(0, i, 1)), y.narrow(0, i, 1)).backward();
            perSample.Add(parameters.SelectMany(p => p.grad!.to(ScalarType.Float64).data<double>().ToArray()).ToArray());
        }

        int d = perSample[0].Length;
        var mean = Enumerable.Range(0, d).Select(j => perSample.Average(g => g[j])).ToArray();
        double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();
        double g2 = Dot(mean, mean);
        var inner = perSample.Select(g => Dot(g, mean)).ToArray();
        double sumOfVariances = Enumerable.Range(0, d).Sum(j => perSample.Sum(g => (g[j] - mean[j]) * (g[j] - mean[j])) / (rows - 1));
        double innerMean = inner.Average();
        double innerVariance = inner.Sum(v => (v - innerMean) * (v - innerMean)) / (rows - 1);
        var orthogonal = perSample.Select((g, i) => g.Select((v, j) => v - inner[i] / g2 * mean[j]).ToArray()).ToList();
        double orthogonalVariance = Enumerable.Range(0, d).Sum(j =>
        {
            double m = orthogonal.Average(o => o[j]);
            return orthogonal.Sum(o => (o[j] - m) * (o[j] - m)) / (rows - 1);
        });

        // Analytic: one batched backward pass with the layers captured.
        network.zero_grad();
        var captures = new List<LayerCapture>();
        LossOf(network.ForwardCapturing(x, captures), y).backward();
        var s = PerSampleGradients.Statistics(captures, parameters, rows);

        Assert.AreEqual(rows, s.SampleCount);
        Assert.AreEqual(g2, s.MeanGradientSquaredNorm, 1e-5 * g2, "‖ḡ‖²");
        Assert.AreEqual(sumOfVariances, s.SumOfVariances, 1e-4 * sumOfVariances, "norm test's Σ Var");
        Assert.AreEqual(innerVariance, s.InnerProductVariance, 1e-4 * innerVariance, "inner-product test's Var");
        Assert.AreEqual(orthogonalVariance, s.OrthogonalVariance, 1e-4 * orthogonalVariance, "orthogonality test's Σ Var");
    }

    [TestMethod]
    public void BatchNorm_IsRejected()
    {
        var options = new NeuralNetworkRegressionTrainer.Options { Normalization = NormalizationKind.BatchNorm, BatchSizePolicy = new AdaptiveBatchSize() };
        Assert.AreEqual("BatchSizePolicy", Assert.ThrowsExactly<ArgumentException>(options.Validate).ParamName);
    }

    // n = 4, ‖ḡ‖² = 1: Σ‖g_i‖² = 7 gives Σ Var = (7 − 4)/3 = 1, so with η = 0.5 the norm test asks for 1/(0.25 · 1) = 4 rows:
    // exactly the batch, which passes. Σ Var(⟨g_i, ḡ⟩) works the same with Σ⟨g_i, ḡ⟩ = 4 and Σ⟨g_i, ḡ⟩² = 7.
    [TestMethod]
    [DataRow(AdaptiveBatchSizeTest.Norm)]
    [DataRow(AdaptiveBatchSizeTest.InnerProduct)]
    [DataRow(AdaptiveBatchSizeTest.AugmentedInnerProduct)]
    public void Boundary_IsExact(AdaptiveBatchSizeTest test)
    {
        var spec = new AdaptiveBatchSize(test, Eta: 0.5, Theta: 0.5, Nu: 0.5);
        var atThreshold = new GradientNoiseStatistics(4, 1, SumSquaredNorms: test == AdaptiveBatchSizeTest.Norm ? 7 : 4.5, SumInnerProducts: 4,
                                                      SumSquaredInnerProducts: test == AdaptiveBatchSizeTest.Norm ? 4 : 7);
        Assert.AreEqual(4.0, spec.RequiredBatchSize(atThreshold));
        var context = new TrainingStepContext(0, 10, 0, 1, 0, 100, BatchSize: 4);
        var policy = (AdaptiveBatchSizePolicy)spec.CreatePolicy(4, 100);
        Assert.AreEqual(4, policy.NextBatchSize(context, atThreshold));
        Assert.AreEqual((1, 0), policy.Tests, "at the threshold the test passes");

        var above = test == AdaptiveBatchSizeTest.Norm
            ? atThreshold with { SumSquaredNorms = 7 + 1e-9 }
            : atThreshold with { SumSquaredInnerProducts = 7 + 1e-9 };
        Assert.IsTrue(spec.RequiredBatchSize(above) > 4);
        Assert.AreEqual(5, policy.NextBatchSize(context, above), "just above, the batch grows to ⌈required⌉");
        Assert.AreEqual((2, 1), policy.Tests, "just above, the test fails");
    }

    [TestMethod]
    public void Augmented_TakesTheLargerOfInnerProductAndOrthogonality()
    {
        var spec = new AdaptiveBatchSize(AdaptiveBatchSizeTest.AugmentedInnerProduct, Theta: 1, Nu: 0.5);
        // ‖ḡ‖² = 1, n = 3: Var(ip) = (Σip² − 3)/2, orth = (Σ‖g‖² − Σip²)/2.
        var s = new GradientNoiseStatistics(3, 1, SumSquaredNorms: 10, SumInnerProducts: 3, SumSquaredInnerProducts: 5);
        Assert.AreEqual(1.0, s.InnerProductVariance);
        Assert.AreEqual(2.5, s.OrthogonalVariance);
        Assert.AreEqual(Math.Max(1.0 / 1, 2.5 / 0.25), spec.RequiredBatchSize(s));
    }

    [TestMethod]
    public void Policy_OnlyGrows_UpToItsCap()
    {
        var policy = new AdaptiveBatchSize(Eta: 0.3, MaxBatchSize: 50).CreatePolicy(4, 1000);
        var random = new Random(1);
        int previous = policy.InitialBatchSize;
        for (int step = 0; step < 200; step++)
        {
            var s = new GradientNoiseStatistics(previous, random.NextDouble(), previous * random.NextDouble() * 3, previous * 0.5, previous);
            int next = policy.NextBatchSize(new TrainingStepContext(step, 200, step, 1, 0, 1000, previous), s);
            Assert.IsTrue(next >= previous && next <= 50, $"step {step}: {previous} → {next}");
            previous = next;
        }

        Assert.AreEqual(50, previous, "noisy gradients drive the batch to the cap");
        Assert.IsFalse(policy.NeedsStatistics(new TrainingStepContext(0, 1, 0, 1, 0, 1, 50)), "no tests once at the cap");
        Assert.AreEqual(7, new AdaptiveBatchSize().CreatePolicy(9, 7).InitialBatchSize, "the training rows cap the batch");
    }

    [TestMethod]
    public void ZeroMeanGradient_WithNoise_GrowsToTheCap()
    {
        var policy = new AdaptiveBatchSize(MaxBatchSize: 32).CreatePolicy(4, 100);
        var s = new GradientNoiseStatistics(4, 0, 1, 0, 0);
        Assert.AreEqual(32, policy.NextBatchSize(new TrainingStepContext(0, 1, 0, 1, 0, 100, 4), s));
    }

    [TestMethod]
    public void TestInterval_SkipsSteps()
    {
        var policy = new AdaptiveBatchSize(TestInterval: 3).CreatePolicy(4, 100);
        var asked = Enumerable.Range(0, 7).Where(i => policy.NeedsStatistics(new TrainingStepContext(i, 10, i, 1, 0, 100, 4))).ToArray();
        CollectionAssert.AreEqual(new[] { 0, 3, 6 }, asked);
    }

    [TestMethod]
    public void Loop_GrowsTheBatch_MeasuresProgressInSamples_AndRecordsIt()
    {
        var data = LoopTestData.Regression(64);
        var schedule = new RecordingSchedule(new LinearDecaySchedule());
        var options = LoopTestData.Options(epochs: 3, batchSize: 4);
        options.LearningRateSchedule = schedule;
        options.BatchSizePolicy = new AdaptiveBatchSize(Eta: 0.05, MaxBatchSize: 24);
        var history = LoopTestData.Train(options, data);

        var contexts = schedule.Before;
        long samples = 0;
        for (int i = 0; i < contexts.Count; i++)
        {
            var c = contexts[i];
            Assert.AreEqual(i, c.OptimizerStep);
            Assert.AreEqual(samples, c.SamplesSeen, $"step {i}: samples seen");
            Assert.AreEqual(48, c.TotalSteps, "16 steps of the initial batch per epoch");
            Assert.AreEqual(192, c.TotalSamples);
            Assert.AreEqual(samples * 48 / 192, c.Step, $"step {i}: the schedule's step is the progress in samples");
            if (i > 0 && contexts[i - 1].Epoch == c.Epoch && c.SamplesSeen % 64 + c.BatchSize < 64)
                Assert.IsTrue(c.BatchSize >= contexts[i - 1].BatchSize, $"step {i}: the batch only grows");
            Assert.IsTrue(c.BatchSize <= 24);
            samples += c.BatchSize;
        }

        Assert.AreEqual(192, samples, "every row once per epoch");
        Assert.IsTrue(contexts.Count < 48, $"the batch grew: {contexts.Count} steps instead of 48");
        Assert.AreEqual(contexts.Count, history.Sum(e => e.OptimizerSteps));
        Assert.IsTrue(history.Zip(history.Skip(1)).All(p => p.Second.BatchSize >= p.First.BatchSize), "batch size per epoch is monotone");
        Assert.AreEqual(24, history[^1].BatchSize);
        foreach (var e in history) Assert.AreEqual(e.OptimizerSteps, e.StepGradientNorms.Count);
    }

    [TestMethod]
    public void Spec_RoundTripsThroughJson_AndValidates()
    {
        BatchSizePolicySpec spec = new AdaptiveBatchSize(AdaptiveBatchSizeTest.AugmentedInnerProduct, Theta: 0.5, Nu: 1, MaxBatchSize: 512);
        var json = System.Text.Json.JsonSerializer.Serialize(spec);
        StringAssert.Contains(json, "\"kind\":\"adadagrad\"");
        Assert.AreEqual(spec, System.Text.Json.JsonSerializer.Deserialize<BatchSizePolicySpec>(json));
        Assert.IsInstanceOfType<FixedBatchSize>(System.Text.Json.JsonSerializer.Deserialize<BatchSizePolicySpec>("""{"kind":"fixed"}"""));
        Assert.AreEqual("Eta", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdaptiveBatchSize(Eta: 0).Validate()).ParamName);
        Assert.AreEqual("MaxBatchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdaptiveBatchSize(MaxBatchSize: 0).Validate()).ParamName);
        Assert.AreEqual("TestInterval", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdaptiveBatchSize(TestInterval: 0).Validate()).ParamName);
    }
}
