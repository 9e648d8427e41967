using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Fashion-MNIST MLP 784-256-128-10 (ReLU, batch 128, Adam 1e-3, 5 epochs, 2 threads): seconds per epoch and test accuracy of
/// (a) a bare TorchSharp loop and (b) the MLExtensions multiclass trainer with all its overhead, in the same process; plus
/// ML.NET's LightGBM and SDCA on the same data.
/// </summary>
public static class FashionMnistBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int epochs = int.Parse(Option(args, "--epochs") ?? "5", CultureInfo.InvariantCulture);
        int seeds = int.Parse(Option(args, "--seeds") ?? "1", CultureInfo.InvariantCulture);
        bool baselines = !args.Contains("--no-baselines");
        torch.set_num_threads(2);
        Console.WriteLine($"Fashion-MNIST from {Path.GetFullPath(data)}; {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}");
        var train = FashionMnistData.Load(data, train: true);
        var test = FashionMnistData.Load(data, train: false);
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.Cache(train.ToDataView(ml));
        var testView = test.ToDataView(ml);

        Console.WriteLine($"{"method",-34} {"seed",4} {"median s/epoch",15} {"test accuracy",14} {"total fit s",12}");
        for (int seed = 1; seed <= seeds; seed++)
        {
            var (bareEpochs, bareAccuracy) = BareLoop(train, test, epochs, seed);
            Console.WriteLine($"{"bare TorchSharp loop",-34} {seed,4} {Median(bareEpochs),15:0.000} {bareAccuracy,14:0.0000} {bareEpochs.Sum(),12:0.00}");

            var options = new NeuralNetworkMulticlassTrainer.Options
            {
                HiddenLayerSizes = [256, 128], Activation = ActivationKind.ReLU, Dropout = 0, BatchSize = 128, Epochs = epochs,
                Optimizer = new AdamSpec(LearningRate: 1e-3), ValidationFraction = 0, EarlyStoppingPatience = null, Seed = seed,
                NumberOfThreads = 2,
            };
            var clock = Stopwatch.StartNew();
            using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(trainView);
            clock.Stop();
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
            var perEpoch = model.Model.History.Select(h => h.Seconds).ToArray();
            Console.WriteLine($"{"MLExtensions NeuralNetwork trainer",-34} {seed,4} {Median(perEpoch),15:0.000} {metrics.MicroAccuracy,14:0.0000} {clock.Elapsed.TotalSeconds,12:0.00}");
            Console.WriteLine($"  trainer epoch time / bare loop epoch time (medians): {Median(perEpoch) / Median(bareEpochs):0.00}x; " +
                              $"fit total (reading, packing, epochs) / bare epochs total: {clock.Elapsed.TotalSeconds / bareEpochs.Sum():0.00}x");
        }

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
                Console.WriteLine($"{name,-34} {"-",4} {"-",15} {metrics.MicroAccuracy,14:0.0000} {clock.Elapsed.TotalSeconds,12:0.00}");
            }
        }
        return 0;
    }

    /// <summary>The reference protocol in plain TorchSharp: randperm + index_select batches, default init, Adam 1e-3.</summary>
    private static (double[] EpochSeconds, double Accuracy) BareLoop(FashionMnistData train, FashionMnistData test, int epochs, int seed)
    {
        torch.random.manual_seed(seed);
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
        model.eval();
        using var noGrad = no_grad();
        using var testX = tensor(test.Pixels, new long[] { test.Count, FashionMnistData.PixelCount });
        using var predicted = model.forward(testX).argmax(1);
        using var truth = tensor(test.Labels.Select(l => (long)l).ToArray());
        double accuracy = predicted.eq(truth).to(ScalarType.Float64).mean().item<double>();
        model.Dispose();
        return (seconds, accuracy);
    }



}
