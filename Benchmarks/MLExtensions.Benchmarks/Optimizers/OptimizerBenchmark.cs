using System.Diagnostics;
using System.Globalization;
using MLExtensions.Benchmarks.FashionMnist;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.Optimizers;

/// <summary>
/// Optimizer benchmarks: (1) each optimizer trains the Fashion-MNIST MLP 784-256-128-10 for 2 epochs (plain TorchSharp loop,
/// pixels/255, randperm batches of 128, float32, 2 threads) and reports test accuracy; (2) the time of one optimizer step on the
/// MLP's parameters, relative to TorchSharp's built-in torch.optim.Adam measured in the same round.
/// Usage: <c>optimizers [--data DIR] [--only a,b] [--epochs 2] [--steps 100] [--rounds 7] [--threads 2] [--skip-train] [--skip-steps]</c>.
/// </summary>
internal static class OptimizerBenchmark
{
    /// <summary>The optimizers and the learning rates used on Fashion-MNIST.</summary>
    private static readonly (string Name, OptimizerSpec Spec, string Settings)[] s_cases =
    [
        ("sgd", new SgdSpec(LearningRate: 0.05, Momentum: 0.9), "lr 0.05, momentum 0.9"),
        ("adam", new AdamSpec(LearningRate: 1e-3), "lr 1e-3"),
        ("adamw", new AdamWSpec(LearningRate: 1e-3), "lr 1e-3, wd 0.01"),
        ("lion", new LionSpec(LearningRate: 1e-4), "lr 1e-4"),
        ("adabelief", new AdaBeliefSpec(LearningRate: 1e-3), "lr 1e-3 (0.2.1 defaults: eps 1e-16, rectify, decoupled)"),
        ("diffgrad", new DiffGradSpec(LearningRate: 1e-3), "lr 1e-3"),
        ("adan", new AdanSpec(LearningRate: 3e-3), "lr 3e-3"),
        ("adamp", new AdamPSpec(LearningRate: 1e-3), "lr 1e-3"),
        ("sgdp", new SgdPSpec(LearningRate: 0.05, Momentum: 0.9), "lr 0.05, momentum 0.9"),
        ("lamb", new LambSpec(LearningRate: 1e-2), "lr 1e-2"),
        ("lars", new LarsSpec(LearningRate: 0.1, TrustCoefficient: 0.02), "lr 0.1, trust 0.02, momentum 0.9"),
        ("sgd_sai", new SgdSaiSpec(LearningRate: 3e-3), "lr 3e-3, momentum 0.9, wd 1e-2"),
        ("muon", new MuonSpec(LearningRate: 0.02, AdamLearningRate: 1e-3), "lr 0.02 (matrices), Adam lr 1e-3 (biases)"),
        ("am_sgd", new AdaptiveMemorySgdSpec(LearningRate: 0.5), "lr 0.5 (d is an average of gradients, so ~SGD-momentum 0.9 at lr 0.05), lambda 0.1, beta_max 0.9"),
        ("am_adamw", new AdaptiveMemoryAdamWSpec(LearningRate: 1e-3), "lr 1e-3, lambda 0.1, beta_max 0.89"),
        ("aro", new AroSpec(LearningRate: 2e-4, AdamLearningRate: 1e-3), "lr 2e-4 (matrices, Sinkhorn, RMS scaling 0.2·√max(m,n)), AdamW lr 1e-3 (biases)"),
        ("coordinate_clipping", new CoordinateClippingSpec(new SgdSpec(LearningRate: 0.05, Momentum: 0.9), Fraction: 0.01, Target: ClippingTarget.Gradient),
            "SGD lr 0.05 m 0.9, top 1% of gradient coordinates clipped"),
    ];

    /// <summary>Registry optimizers timed in the step benchmark only (not trained), with the registry's defaults.</summary>
    private static readonly (string Name, OptimizerSpec Spec, string Settings)[] s_stepOnly =
    [
        ("adagrad", OptimizerRegistry.CreateDefault("adagrad"), "defaults"),
        ("adagrad_norm", OptimizerRegistry.CreateDefault("adagrad_norm"), "defaults"),
        ("coordinate_clipping_update", OptimizerRegistry.CreateDefault("coordinate_clipping"), "defaults: AdamW inner, top 1% of the update clipped"),
    ];

    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        int epochs = int.Parse(Option(args, "--epochs") ?? "2", CultureInfo.InvariantCulture);
        int steps = int.Parse(Option(args, "--steps") ?? "100", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Option(args, "--rounds") ?? "7", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        torch.set_num_threads(threads);
        bool fixedMmapThreshold = FixMallocMmapThreshold();
        var cases = s_cases.Where(c => only is null || only.Contains(c.Name)).ToArray();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, torch threads {threads}" +
                          (fixedMmapThreshold ? "; glibc mmap threshold fixed at 128 KiB (see README)" : ""));

        if (!args.Contains("--skip-train"))
            TrainAll(data, cases, epochs);
        if (args.Contains("--selection"))
            SelectionTimes(steps, rounds);
        if (!args.Contains("--skip-steps"))
            StepTimes([.. cases, .. s_stepOnly.Where(c => only is null || only.Contains(c.Name))], steps, rounds);
        return 0;
    }

    private static void TrainAll(string dir, (string Name, OptimizerSpec Spec, string Settings)[] cases, int epochs)
    {
        var (trainX, trainY) = Load(dir, "train");
        var (testX, testY) = Load(dir, "t10k");
        Console.WriteLine($"\nFashion-MNIST MLP 784-256-128-10 (ReLU), {epochs} epochs, batch 128, float32, seed 1; data {Path.GetFullPath(dir)}");
        Console.WriteLine("| optimizer | settings | test accuracy | last-epoch train loss | seconds |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var (name, spec, settings) in cases)
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(1);
            var model = Mlp();
            using var optimizer = spec.Create(model.parameters());
            var generator = new Generator(1);
            var watch = Stopwatch.StartNew();
            double epochLoss = 0;
            long n = trainX.shape[0];
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                var perm = randperm(n, generator: generator);
                epochLoss = 0;
                int batches = 0;
                for (long start = 0; start < n; start += 128)
                {
                    using var batchScope = NewDisposeScope();
                    var idx = perm.narrow(0, start, Math.Min(128, n - start));
                    optimizer.zero_grad();
                    var loss = nn.functional.cross_entropy(model.forward(trainX.index_select(0, idx)), trainY.index_select(0, idx));
                    loss.backward();
                    optimizer.step();
                    epochLoss += loss.item<float>();
                    batches++;
                }
                epochLoss /= batches;
            }
            double seconds = watch.Elapsed.TotalSeconds;
            double accuracy;
            using (no_grad())
                accuracy = model.forward(testX).argmax(1).eq(testY).to(float64).mean().item<double>();
            Console.WriteLine($"| {name} | {settings} | {accuracy:P2} | {epochLoss:F4} | {seconds:F1} |");
        }
        trainX.Dispose(); trainY.Dispose(); testX.Dispose(); testY.Dispose();
    }

    private static void StepTimes((string Name, OptimizerSpec Spec, string Settings)[] cases, int steps, int rounds)
    {
        Console.WriteLine($"\nOptimizer step time on the MLP's parameters (235,146 float32 values in 6 tensors, fixed random gradients), {steps} steps x {rounds} rounds; " +
                          "each round times TorchSharp's built-in torch.optim.Adam (lr 1e-3) and the optimizer back to back, alternating which goes first; " +
                          "medians over rounds. Wall time per step, and process CPU time per step (all threads; less sensitive to other load on the machine).");
        Console.WriteLine($"Load average before: {LoadAverage()}");
        Console.WriteLine("| optimizer | wall step (us) | Adam wall (us) | wall ratio | CPU step (us) | Adam CPU (us) | CPU ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> torchAdam = ps => optim.Adam(ps, lr: 1e-3);
        var all = new List<(string Name, Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> Create)> { ("torch.optim.Adam (itself)", torchAdam) };
        all.AddRange(cases.Select(c => (c.Name, (Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer>)(ps => c.Spec.Create(ps)))));
        // The same AM-AdamW step with its work tensors allocated every step (the allocation cost alone, issue #13).
        if (cases.Any(c => c.Name == "am_adamw"))
            all.Add(("am_adamw, work tensors allocated every step", ps => new AdaptiveMemoryAdamW(ps, lr: 1e-3) { ReuseWorkTensors = false }));
        foreach (var (name, create) in all)
        {
            var (own, adam, ratios) = (new List<double>(), new List<double>(), new List<double>());
            var (ownCpu, adamCpu, cpuRatios) = (new List<double>(), new List<double>(), new List<double>());
            for (int r = 0; r < rounds; r++)
            {
                (double, double) a, o;
                if (r % 2 == 0)
                {
                    a = TimeSteps(torchAdam, steps);
                    o = TimeSteps(create, steps);
                }
                else
                {
                    o = TimeSteps(create, steps);
                    a = TimeSteps(torchAdam, steps);
                }
                adam.Add(a.Item1); own.Add(o.Item1); ratios.Add(o.Item1 / a.Item1);
                adamCpu.Add(a.Item2); ownCpu.Add(o.Item2); cpuRatios.Add(o.Item2 / a.Item2);
            }
            Console.WriteLine($"| {name} | {Median(own):F0} | {Median(adam):F0} | {Median(ratios):F2} | {Median(ownCpu):F0} | {Median(adamCpu):F0} | {Median(cpuRatios):F2} |");
        }
        Console.WriteLine($"Load average after: {LoadAverage()}");
    }

    /// <summary>Ways of finding coordinate clipping's threshold (the 2,352nd largest of 235,146 magnitudes), timed against Adam.</summary>
    private static void SelectionTimes(int steps, int rounds)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var x = randn(235_146).abs_();
        long n = x.shape[0], k = (long)Math.Floor(0.01 * n);
        var ways = new (string Name, Action Run)[]
        {
            ("topk(k+1).min", () => { using var s = NewDisposeScope(); _ = x.topk((int)(k + 1), sorted: false).values.min(); }),
            ("kthvalue(n-k)", () => { using var s = NewDisposeScope(); _ = x.kthvalue(n - k, 0).values; }),
            ("abs + cat of 6 tensors", () => { using var s = NewDisposeScope(); _ = cat(new[] { x.narrow(0, 0, 200_704), x.narrow(0, 200_704, 34_442) }.Select(t => t.abs()).ToList()); }),
        };
        Console.WriteLine($"\nThreshold selection on {n:N0} magnitudes (k = {k}), {steps} calls x {rounds} rounds, CPU us per call, median:");
        foreach (var (name, run) in ways)
        {
            var times = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                var process = Process.GetCurrentProcess();
                var before = process.TotalProcessorTime;
                for (int i = 0; i < steps; i++)
                    run();
                process.Refresh();
                times.Add((process.TotalProcessorTime - before).TotalMilliseconds * 1000 / steps);
            }
            Console.WriteLine($"  {name}: {Median(times):F0}");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static (double WallMicroseconds, double CpuMicroseconds) TimeSteps(Func<IEnumerable<TorchSharp.Modules.Parameter>, optim.Optimizer> create, int steps)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        var model = Mlp();
        foreach (var p in model.parameters())
            p.grad = randn_like(p) * 0.01;
        using var optimizer = create(model.parameters());
        for (int i = 0; i < 10; i++)
            optimizer.step();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
            optimizer.step();
        double wall = watch.Elapsed.TotalMilliseconds * 1000 / steps;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds * 1000 / steps;
        return (wall, cpu);
    }

    /// <summary>
    /// glibc raises its mmap threshold after freeing large blocks, after which libtorch's many same-sized temporaries come from
    /// the heap and RSS can grow by gigabytes (an allocator effect, not a tensor leak: it disappears with a fixed threshold).
    /// Fixing the threshold keeps memory flat and step times comparable across optimizers. Linux only; returns whether it was set.
    /// </summary>
    private static bool FixMallocMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MLEXT_BENCH_DEFAULT_MALLOC") == "1")
            return false;
        const int M_MMAP_THRESHOLD = -3;
        try
        {
            return mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    private static nn.Module<Tensor, Tensor> Mlp() =>
        nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10));


    private static (Tensor X, Tensor Y) Load(string dir, string prefix)
    {
        var data = FashionMnistData.Load(dir, train: prefix == "train");
        var x = tensor(data.Pixels, [data.Count, FashionMnistData.PixelCount]);
        var y = tensor(data.Labels.Select(b => (long)b).ToArray());
        return (x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }


}
