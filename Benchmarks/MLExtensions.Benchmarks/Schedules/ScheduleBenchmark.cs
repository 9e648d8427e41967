using System.Diagnostics;
using System.Globalization;
using MLExtensions.Benchmarks.FashionMnist;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.Schedules;

/// <summary>
/// Issue #11's table: a Fashion-MNIST MLP (784-256-128-10, ReLU, AdamW 1e-3, batch 128) trained for a few epochs under each
/// learning-rate schedule (constant, cosine, linear decay, one-cycle, the refined schedule built from the constant run's per-step
/// gradient norms, the hypergradient schedule on a constant base), and the fixed batch of the constant run against an adaptive
/// (AdAdaGrad norm test, from 32 rows) batch size: test accuracy, final training loss,
/// wall time and optimizer steps, per seed and as means.
/// </summary>
public static class ScheduleBenchmark
{
    /// <summary>Runs the benchmark; <c>--rows N</c> trains on the first N training images (all 60,000 by default).</summary>
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int epochs = int.Parse(Option(args, "--epochs") ?? "5", CultureInfo.InvariantCulture);
        int seeds = int.Parse(Option(args, "--seeds") ?? "3", CultureInfo.InvariantCulture);
        int firstSeed = int.Parse(Option(args, "--first-seed") ?? "1", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        int rows = int.Parse(Option(args, "--rows") ?? "60000", CultureInfo.InvariantCulture);
        double eta = double.Parse(Option(args, "--eta") ?? "0.5", CultureInfo.InvariantCulture);
        var only = Option(args, "--only")?.Split(',');
        string? dumpRefined = Option(args, "--dump-refined");
        var train = Subset(FashionMnistData.Load(data, train: true), rows);
        var test = FashionMnistData.Load(data, train: false);
        Console.WriteLine($"Fashion-MNIST from {Path.GetFullPath(data)}: {train.RowCount} training rows, {test.Count} test rows; " +
                          $"{epochs} epochs, seeds {firstSeed}..{firstSeed + seeds - 1}, {threads} torch threads, {Environment.ProcessorCount} cores");

        // Warm-up: the first fit of a process pays TorchSharp's start-up; keep it out of the timed runs.
        Train("warm-up", new ConstantSchedule(), new FixedBatchSize(), 128, Subset(test, 512), test, 1, 1, threads, out _);
        var results = new List<(string Run, int Seed, double Accuracy, double Loss, double Seconds, long Steps, int FinalBatch)>();
        void Report((string Run, int Seed, double Accuracy, double Loss, double Seconds, long Steps, int FinalBatch) r)
        {
            results.Add(r);
            Console.WriteLine($"| {r.Run} | {r.Seed} | {r.Accuracy:0.0000} | {r.Loss:0.0000} | {r.Seconds:0.0} | {r.Steps} | {r.FinalBatch} |");
        }

        Console.WriteLine("| run | seed | test accuracy | final training loss | wall s | optimizer steps | final batch |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            var constant = Train("constant", new ConstantSchedule(), new FixedBatchSize(), 128, train, test, epochs, seed, threads, out var constantHistory);
            Report(constant);
            if (dumpRefined is not null) DumpRefined(dumpRefined, seed, constantHistory);
            var runs = new List<(string Name, LearningRateScheduleSpec Schedule)>
            {
                ("cosine", new CosineSchedule()),
                ("linear decay", new LinearDecaySchedule()),
                ("one-cycle", new OneCycleSchedule()),
                ("refined (from constant)", RefinedSchedule.FromHistory(constantHistory, OptimizerFamily.AdamLike)),
                ("hypergradient (on constant)", new HypergradientSchedule()),
            };
            foreach (var (name, schedule) in runs.Where(r => only is null || only.Contains(r.Name)))
                Report(Train(name, schedule, new FixedBatchSize(), 128, train, test, epochs, seed, threads, out _));
            Report(Train($"adaptive batch 32→≤2048 (norm test, η={eta.ToString(CultureInfo.InvariantCulture)})", new ConstantSchedule(),
                         new AdaptiveBatchSize(Eta: eta, MaxBatchSize: 2048), 32, train, test, epochs, seed, threads, out var adaptiveHistory));
            Console.WriteLine("  adaptive batch size per epoch: " + string.Join(", ", adaptiveHistory.Select(e => $"{e.BatchSize} ({e.OptimizerSteps} steps)")));
        }

        Console.WriteLine();
        Console.WriteLine($"Means over {seeds} seeds:");
        Console.WriteLine("| run | test accuracy (mean ± sd) | final training loss | wall s | optimizer steps |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var group in results.GroupBy(r => r.Run))
        {
            var a = group.Select(r => r.Accuracy).ToArray();
            double mean = a.Average(), sd = a.Length > 1 ? Math.Sqrt(a.Sum(v => (v - mean) * (v - mean)) / (a.Length - 1)) : 0;
            Console.WriteLine($"| {group.Key} | {mean:0.0000} ± {sd:0.0000} | {group.Average(r => r.Loss):0.0000} | {group.Average(r => r.Seconds):0.0} | {group.Average(r => r.Steps):0} |");
        }

        return 0;
    }

    private static (string, int, double, double, double, long, int) Train(string name, LearningRateScheduleSpec schedule, BatchSizePolicySpec policy,
        int batchSize, PackedData train, FashionMnistData test, int epochs, int seed, int threads, out IReadOnlyList<EpochRecord> history)
    {
        var options = new NeuralNetworkMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256, 128], Activation = ActivationKind.ReLU, Dropout = 0, BatchSize = batchSize, Epochs = epochs,
            Optimizer = new AdamWSpec(LearningRate: 1e-3), LearningRateSchedule = schedule, BatchSizePolicy = policy,
            ValidationFraction = 0, EarlyStoppingPatience = null, Seed = seed, NumberOfThreads = threads, Device = DeviceKind.Cpu,
        };
        options.Validate();
        var clock = Stopwatch.StartNew();
        var result = new NeuralTrainingLoop(options, PredictionTask.MulticlassClassification, classCount: 10).Run(train, null, seed);
        clock.Stop();
        using var network = result.Network;
        history = result.History;
        double accuracy = Accuracy(network, test);
        return (name, seed, accuracy, history[^1].TrainingLoss, clock.Elapsed.TotalSeconds, history.Sum(e => (long)e.OptimizerSteps), history[^1].BatchSize);
    }

    /// <summary>
    /// <c>--dump-refined FILE</c>: appends, per step of the constant run, its ℓ1 and ℓ2 gradient norms, the refined schedule the
    /// benchmark builds from them (ℓ1, G⁻¹) and linear decay's factor to a CSV file, and prints the refined schedule's shape.
    /// </summary>
    private static void DumpRefined(string path, int seed, IReadOnlyList<EpochRecord> history)
    {
        var l1 = history.SelectMany(e => e.StepGradientL1Norms!).ToArray();
        var l2 = history.SelectMany(e => e.StepGradientNorms!).ToArray();
        var refined = RefinedSchedule.FromHistory(history, OptimizerFamily.AdamLike).Factors;
        int total = refined.Length;
        bool header = !File.Exists(path);
        using (var writer = new StreamWriter(path, append: true))
        {
            if (header) writer.WriteLine("seed,step,l1_norm,l2_norm,refined,linear_decay");
            for (int t = 0; t < total; t++)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seed},{t},{l1[t]:R},{l2[t]:R},{refined[t]:R},{1 - (double)t / total:R}"));
        }
        int peak = Array.IndexOf(refined, refined.Max());
        string At(double fraction)
        {
            int t = Math.Min(total - 1, (int)(fraction * total));
            return string.Create(CultureInfo.InvariantCulture, $"{fraction:P0}: {refined[t]:0.000} (linear {1 - (double)t / total:0.000}, ℓ1 {l1[t]:G3})");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  refined schedule, seed {seed}: {total} steps, peak 1 at step {peak}, mean factor {refined.Average():0.000} (linear decay 0.5); ") +
            string.Join("; ", new[] { 0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99 }.Select(At)));
    }

    private static double Accuracy(MlpNetwork network, FashionMnistData test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        network.eval();
        var x = torch.tensor(test.Pixels, [test.Count, FashionMnistData.PixelCount]);
        var truth = torch.tensor(test.Labels.Select(l => (long)l).ToArray());
        return network.forward(x).argmax(1).eq(truth).to(ScalarType.Float64).mean().item<double>();
    }

    private static PackedData Subset(FashionMnistData data, int rows)
    {
        int n = Math.Clamp(rows, 1, data.Count);
        return new PackedData(data.Pixels.AsSpan(0, n * FashionMnistData.PixelCount).ToArray(),
                              data.Labels.AsSpan(0, n).ToArray().Select(l => (float)l).ToArray(), null, n, FashionMnistData.PixelCount);
    }
}
