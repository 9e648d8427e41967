using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Where one training step's time goes: the multiclass trainer on Fashion-MNIST (MLP 784-256-128-10, ReLU, Adam 1e-3, batch 128,
/// the <c>-- fashion-mnist</c> protocol) with the training loop's internal <see cref="TrainingLoopProfile"/> switched on, beside the
/// bare TorchSharp loop timed by the same phases. Prints seconds per epoch and microseconds per step for every phase.
/// </summary>
public static class LoopProfileBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int epochs = int.Parse(Option(args, "--epochs") ?? "2", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        int seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        torch.set_num_threads(threads);
        var train = FashionMnistData.Load(data, train: true);
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.Cache(train.ToDataView(ml));
        Console.WriteLine($"Loop profile, Fashion-MNIST {train.Count} rows, MLP 784-256-128-10, Adam 1e-3, batch 128, {epochs} epoch(s), seed {seed}; " +
                          $"{Environment.ProcessorCount} cores, torch threads {threads}");

        var profile = new TrainingLoopProfile();
        var options = new NeuralNetworkMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256, 128], Activation = ActivationKind.ReLU, Dropout = 0, BatchSize = 128, Epochs = epochs,
            Optimizer = new AdamSpec(LearningRate: 1e-3), ValidationFraction = 0, EarlyStoppingPatience = null, Seed = seed,
            NumberOfThreads = threads, Profile = profile,
        };
        var clock = Stopwatch.StartNew();
        using (var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(trainView))
        {
            clock.Stop();
            var epochSeconds = model.Model.History.Select(h => h.Seconds).ToArray();
            Console.WriteLine($"trainer: fit {clock.Elapsed.TotalSeconds:0.000} s, epochs {string.Join(" ", epochSeconds.Select(e => e.ToString("0.000", CultureInfo.InvariantCulture)))}, " +
                              $"{profile.Steps} steps, final training loss {model.Model.History[^1].TrainingLoss:0.000000}");
        }

        if (args.Contains("--kernels")) Kernels();
        var bare = BareLoopProfile(train, epochs, seed);
        Console.WriteLine();
        Console.WriteLine($"{"phase",-16} {"trainer s/epoch",16} {"µs/step",9} {"share",7} {"bare s/epoch",13} {"µs/step",9}");
        foreach (var phase in Enum.GetValues<TrainingLoopPhase>())
        {
            double s = profile.Seconds(phase);
            string bareCell = bare.TryGetValue(phase, out double b) ? $"{b / epochs,13:0.000} {b / bare.Steps * 1e6,9:0}" : $"{"-",13} {"-",9}";
            Console.WriteLine($"{phase,-16} {s / epochs,16:0.000} {s / profile.Steps * 1e6,9:0} {s / profile.TotalSeconds,6:P0} {bareCell}");
        }
        Console.WriteLine($"{"total",-16} {profile.TotalSeconds / epochs,16:0.000} {profile.TotalSeconds / profile.Steps * 1e6,9:0} {"",7} " +
                          $"{bare.Values.Sum() / epochs,13:0.000} {bare.Values.Sum() / bare.Steps * 1e6,9:0}");
        return 0;
    }

    /// <summary>Candidate kernels for the per-step gradient norms on a 256 x 784 gradient: median µs per call over interleaved rounds.</summary>
    private static void Kernels()
    {
        using var g = torch.rand(256, 784);
        using var flat = g.view(-1);
        var candidates = new (string Name, Func<Tensor> Op)[]
        {
            ("pow(2).sum()", () => { using var two = 2.0.ToScalar(); using var sq = g.pow(two); return sq.sum(); }),
            ("norm(2)", () => g.norm(2f)),
            ("dot(g, g)", () => flat.dot(flat)),
            ("abs().sum()", () => { using var a = g.abs(); return a.sum(); }),
            ("norm(1)", () => g.norm(1f)),
            ("zero_()", () => g.clone().zero_()),
            ("clone()", () => g.clone()),
        };
        var times = candidates.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < 30; round++)
        {
            for (int c = 0; c < candidates.Length; c++)
            {
                long t = Stopwatch.GetTimestamp();
                for (int i = 0; i < 20; i++) candidates[c].Op().Dispose();
                times[c].Add((Stopwatch.GetTimestamp() - t) / (double)Stopwatch.Frequency / 20 * 1e6);
            }
        }
        Console.WriteLine("kernel (256 x 784 float)   median µs/call");
        for (int c = 0; c < candidates.Length; c++) Console.WriteLine($"  {candidates[c].Name,-24} {Median(times[c]),8:0.0}");
    }

    /// <summary>The bare loop of <c>-- fashion-mnist</c> (TorchSharp's Adam), each phase timed the same way.</summary>
    private static PhaseSeconds BareLoopProfile(FashionMnistData train, int epochs, int seed)
    {
        torch.random.manual_seed(seed);
        var result = new PhaseSeconds();
        using var x = tensor(train.Pixels, new long[] { train.Count, FashionMnistData.PixelCount });
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray());
        var model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10));
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            using var permutation = randperm(train.Count);
            for (int start = 0; start < train.Count; start += 128)
            {
                long lap = TrainingLoopProfile.Now();
                var scope = NewDisposeScope();
                var index = permutation.narrow(0, start, Math.Min(128, train.Count - start));
                var xb = x.index_select(0, index);
                var yb = y.index_select(0, index);
                result.Lap(TrainingLoopPhase.BatchGathering, ref lap);
                optimizer.zero_grad();
                result.Lap(TrainingLoopPhase.ZeroGrad, ref lap);
                var output = model.forward(xb);
                result.Lap(TrainingLoopPhase.Forward, ref lap);
                var loss = nn.functional.cross_entropy(output, yb);
                result.Lap(TrainingLoopPhase.Loss, ref lap);
                loss.backward();
                result.Lap(TrainingLoopPhase.Backward, ref lap);
                optimizer.step();
                result.Lap(TrainingLoopPhase.OptimizerStep, ref lap);
                scope.Dispose();
                result.Lap(TrainingLoopPhase.Dispose, ref lap);
                result.Steps++;
            }
        }
        model.Dispose();
        return result;
    }

    private sealed class PhaseSeconds : Dictionary<TrainingLoopPhase, double>
    {
        public long Steps { get; set; }

        public void Lap(TrainingLoopPhase phase, ref long since)
        {
            long now = Stopwatch.GetTimestamp();
            this[phase] = (TryGetValue(phase, out double s) ? s : 0) + (now - since) / (double)Stopwatch.Frequency;
            since = now;
        }
    }
}
