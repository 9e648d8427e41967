using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Fashion-MNIST MLP 784-256-128-10 (ReLU, batch 128, Adam 1e-3, 5 epochs, 2 threads): seconds per epoch, whole-fit seconds and
/// test accuracy of (a) the MLExtensions multiclass trainer with all its overhead, (b) a bare TorchSharp loop in the same process
/// and (c) the same network in PyTorch (<c>reference_fashion_mnist.py</c>, a child process), in turn within each repetition
/// (the order rotates); plus ML.NET's LightGBM and SDCA on the same data.
/// </summary>
public static class FashionMnistBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int epochs = int.Parse(Option(args, "--epochs") ?? "5", CultureInfo.InvariantCulture);
        int seeds = int.Parse(Option(args, "--seeds") ?? "1", CultureInfo.InvariantCulture);
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        bool baselines = !args.Contains("--no-baselines");
        torch.set_num_threads(threads);
        Console.WriteLine($"Fashion-MNIST from {Path.GetFullPath(data)}; {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}");
        var (reference, referenceMessage) = args.Contains("--no-reference")
            ? (null, "PyTorch reference skipped (--no-reference).")
            : PyTorchReference.Probe(Option(args, "--python"));
        Console.WriteLine(referenceMessage);
        var train = FashionMnistData.Load(data, train: true);
        var test = FashionMnistData.Load(data, train: false);
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.Cache(train.ToDataView(ml));
        var testView = test.ToDataView(ml);

        const string Ours = "MLExtensions NeuralNetwork trainer", Bare = "bare TorchSharp loop", PyTorch = "PyTorch (reference_fashion_mnist.py)";
        var methods = reference is null ? new[] { Ours, Bare } : new[] { Ours, Bare, PyTorch };
        var runs = methods.ToDictionary(m => m, _ => new List<(double EpochMedian, double Fit, double Accuracy)>());
        Console.WriteLine($"{"method",-38} {"seed",4} {"median s/epoch",15} {"test accuracy",14} {"total fit s",12}");
        for (int seed = 1; seed <= seeds; seed++)
        {
            for (int k = 0; k < methods.Length; k++)
            {
                string method = methods[(k + seed - 1) % methods.Length];
                var (epochSeconds, fit, accuracy) = method switch
                {
                    Ours => Trainer(ml, trainView, testView, epochs, seed, threads),
                    Bare => BareLoop(train, test, epochs, seed),
                    _ => FromReference(reference!.Run(Path.GetFullPath(data), epochs, threads, seed)),
                };
                runs[method].Add((Median(epochSeconds), fit, accuracy));
                Console.WriteLine($"{method,-38} {seed,4} {Median(epochSeconds),15:0.000} {accuracy,14:0.0000} {fit,12:0.00}   epochs: " +
                                  string.Join(" ", epochSeconds.Select(e => e.ToString("0.000", CultureInfo.InvariantCulture))));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Over {seeds} repetition(s), medians (ratios against {(reference is null ? "the bare loop" : "PyTorch")}; fit / epochs = fit total over the sum of the epochs):");
        string peer = reference is null ? Bare : PyTorch;
        Console.WriteLine($"{"method",-38} {"s/epoch",9} {"ratio",7} {"fit s",8} {"ratio",7} {"accuracy",9}");
        foreach (var method in methods)
        {
            var r = runs[method];
            double epoch = Median(r.Select(x => x.EpochMedian)), fit = Median(r.Select(x => x.Fit));
            Console.WriteLine($"{method,-38} {epoch,9:0.000} {epoch / Median(runs[peer].Select(x => x.EpochMedian)),6:0.00}x {fit,8:0.00} " +
                              $"{fit / Median(runs[peer].Select(x => x.Fit)),6:0.00}x {r.Average(x => x.Accuracy),9:0.0000}");
        }
        var ours = runs[Ours];
        Console.WriteLine($"trainer fit total / (epochs x median epoch): {Median(ours.Select(x => x.Fit)) / (epochs * Median(ours.Select(x => x.EpochMedian))):0.00}x");

        if (baselines)
        {
            foreach (var (name, trainer) in new (string, IEstimator<ITransformer>)[]
            {
                ("ML.NET LightGBM (defaults)", ml.MulticlassClassification.Trainers.LightGbm()),
                ("ML.NET SDCA maximum entropy", ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
            })
            {
                var clock = Stopwatch.StartNew();
                var model = trainer.Fit(trainView);
                clock.Stop();
                var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
                Console.WriteLine($"{name,-38} {"-",4} {"-",15} {metrics.MicroAccuracy,14:0.0000} {clock.Elapsed.TotalSeconds,12:0.00}");
            }
        }
        return 0;
    }

    private static (double[] EpochSeconds, double Fit, double Accuracy) FromReference(PyTorchReference.Result result)
    {
        Console.WriteLine($"  PyTorch {result.Version}, {result.Threads} thread(s), BLAS: {(result.Blas.Length == 0 ? "unknown" : string.Join(", ", result.Blas.Select(Path.GetFileName)))}" +
                          (result.BlasCore is null ? "" : $", OpenBLAS core {result.BlasCore}"));
        return (result.EpochSeconds, result.FitSeconds, result.TestAccuracy);
    }

    /// <summary>The trainer's whole <c>Fit</c> (reading the cached view, packing, epochs) and its test accuracy.</summary>
    private static (double[] EpochSeconds, double Fit, double Accuracy) Trainer(MLContext ml, IDataView trainView, IDataView testView, int epochs,
                                                                                int seed, int threads)
    {
        var options = new NeuralNetworkMulticlassTrainer.Options
        {
            HiddenLayerSizes = [256, 128], Activation = ActivationKind.ReLU, Dropout = 0, BatchSize = 128, Epochs = epochs,
            Optimizer = new AdamSpec(LearningRate: 1e-3), ValidationFraction = 0, EarlyStoppingPatience = null, Seed = seed,
            NumberOfThreads = threads,
        };
        var clock = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(trainView);
        clock.Stop();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
        return (model.Model.History.Select(h => h.Seconds).ToArray(), clock.Elapsed.TotalSeconds, metrics.MicroAccuracy);
    }

    /// <summary>The reference protocol in plain TorchSharp: randperm + index_select batches, default init, Adam 1e-3.</summary>
    private static (double[] EpochSeconds, double Fit, double Accuracy) BareLoop(FashionMnistData train, FashionMnistData test, int epochs, int seed)
    {
        torch.random.manual_seed(seed);
        var fitClock = Stopwatch.StartNew();
        using var x = tensor(train.Pixels, new long[] { train.Count, FashionMnistData.PixelCount });
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray());
        var model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10));
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        var seconds = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            using var permutation = randperm(train.Count);
            for (int start = 0; start < train.Count; start += 128)
            {
                using var scope = NewDisposeScope();
                var index = permutation.narrow(0, start, Math.Min(128, train.Count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x.index_select(0, index)), y.index_select(0, index));
                loss.backward();
                optimizer.step();
            }
            seconds[epoch] = clock.Elapsed.TotalSeconds;
        }
        double fit = fitClock.Elapsed.TotalSeconds;
        model.eval();
        using var noGrad = no_grad();
        using var testX = tensor(test.Pixels, new long[] { test.Count, FashionMnistData.PixelCount });
        using var predicted = model.forward(testX).argmax(1);
        using var truth = tensor(test.Labels.Select(l => (long)l).ToArray());
        double accuracy = predicted.eq(truth).to(ScalarType.Float64).mean().item<double>();
        model.Dispose();
        return (seconds, fit, accuracy);
    }
}
