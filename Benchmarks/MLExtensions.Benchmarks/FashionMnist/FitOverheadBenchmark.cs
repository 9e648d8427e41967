using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Where a fit's time goes outside its epochs, on Fashion-MNIST 60k × 784 (MLP 784-256-128-10, batch 128, Adam 1e-3, 2 threads):
/// the setup stages one by one (a bare cursor pass, packing, the validation split, tensor creation), then <c>Fit</c>'s total
/// against the sum of its epochs' times, for <c>ValidationFraction</c> 0 and 0.1. The ML.NET cache is filled before anything is
/// timed, so its one-off fill (the benchmark's own loading) does not count against the trainer.
/// </summary>
public static class FitOverheadBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int epochs = int.Parse(Option(args, "--epochs") ?? "2", CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
        torch.set_num_threads(2);
        var ml = new MLContext(seed: 1);
        var view = ml.Data.Cache(FashionMnistData.Load(data, train: true).ToDataView(ml));
        var fill = Stopwatch.StartNew();
        long rows = CursorPass(view);
        Console.WriteLine($"Fashion-MNIST {rows} × {FashionMnistData.PixelCount}; ML.NET cache filled in {fill.Elapsed.TotalSeconds:0.000} s (not counted below); " +
                          $"{Environment.ProcessorCount} cores, torch threads 2");

        for (int r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            CursorPass(view);
            double cursor = Lap(clock);
            var packed = DataPacker.Pack(view, PredictionTask.MulticlassClassification, "Features", "Label", null);
            double pack = Lap(clock);
            var (train, _) = ValidationSplit.Split(packed, 0.1, stratified: true, seed: 1);
            double split = Lap(clock);
            using (var x = torch.tensor(train.Features, new long[] { train.RowCount, train.FeatureCount }))
            {
            }
            double tensor = Lap(clock);
            Console.WriteLine($"stages: cursor pass {cursor:0.000} s, Pack {pack:0.000} s, 10% split {split:0.000} s, feature tensor {tensor:0.000} s");
        }

        foreach (double fraction in new[] { 0.0, 0.1 })
        {
            for (int r = 0; r < repeat; r++)
            {
                var options = new NeuralNetworkMulticlassTrainer.Options
                {
                    HiddenLayerSizes = [256, 128], Dropout = 0, BatchSize = 128, Epochs = epochs, Optimizer = new AdamSpec(LearningRate: 1e-3),
                    ValidationFraction = fraction, EarlyStoppingPatience = null, Seed = 1, NumberOfThreads = 2,
                };
                var clock = Stopwatch.StartNew();
                using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(view);
                double total = clock.Elapsed.TotalSeconds;
                double epochSum = model.Model.History.Sum(h => h.Seconds);
                Console.WriteLine($"ValidationFraction {fraction}: Fit {total:0.000} s, sum of {epochs} epochs {epochSum:0.000} s, " +
                                  $"outside the epochs {total - epochSum:0.000} s, ratio {total / epochSum:0.000}");
            }
        }
        return 0;
    }

    private static double Lap(Stopwatch clock)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return seconds;
    }

    private static long CursorPass(IDataView view)
    {
        var features = view.Schema["Features"];
        using var cursor = view.GetRowCursor([features, view.Schema["Label"]]);
        var getter = cursor.GetGetter<VBuffer<float>>(features);
        VBuffer<float> buffer = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows++;
        }
        return rows;
    }
}
