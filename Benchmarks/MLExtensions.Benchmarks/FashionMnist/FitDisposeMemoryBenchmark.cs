using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// Resident memory and live TorchSharp tensors over repeated fit + Dispose cycles of the multiclass trainer on the first rows
/// of Fashion-MNIST (MLP 784-256-128-10, 2 epochs, batch 128, Adam 1e-3, 2 threads). No garbage collection is forced, as in an
/// application, so memory that only a finalizer would release shows up as growth; <c>--gc</c> collects before each measurement.
/// </summary>
public static class FitDisposeMemoryBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int rows = int.Parse(Option(args, "--rows") ?? "20000", CultureInfo.InvariantCulture);
        int cycles = int.Parse(Option(args, "--cycles") ?? "6", CultureInfo.InvariantCulture);
        bool collect = args.Contains("--gc");
        var ml = new MLContext(seed: 1);
        var view = ml.Data.Cache(ml.Data.TakeRows(FashionMnistData.Load(data, train: true).ToDataView(ml), rows));
        Console.WriteLine($"Fashion-MNIST, first {rows} training rows, {cycles} fit + Dispose cycles{(collect ? ", GC before each measurement" : "")}; {Environment.ProcessorCount} cores");
        // TotalCount also counts the parameters of disposed modules (a bare nn.Linear created and disposed adds 2); the
        // thread count is what this thread created and did not dispose.
        Console.WriteLine("| cycle | RSS MB after Dispose | torch.Tensor.TotalCount | tensors this thread left undisposed |");
        Console.WriteLine("| ---: | ---: | ---: | ---: |");
        Console.WriteLine($"| 0 | {ResidentMegabytes():F0} | {torch.Tensor.TotalCount} | {Undisposed()} |");
        for (int cycle = 1; cycle <= cycles; cycle++)
        {
            var options = new NeuralNetworkMulticlassTrainer.Options
            {
                HiddenLayerSizes = [256, 128], Dropout = 0, BatchSize = 128, Epochs = 2, Optimizer = new AdamSpec(LearningRate: 1e-3),
                ValidationFraction = 0, EarlyStoppingPatience = null, Seed = cycle, NumberOfThreads = Math.Min(2, Environment.ProcessorCount),
            };
            using (ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(view))
            {
            }
            if (collect)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Console.WriteLine($"| {cycle} | {ResidentMegabytes():F0} | {torch.Tensor.TotalCount} | {Undisposed()} |");
        }
        return 0;
    }

    private static long Undisposed() => DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;

    private static double ResidentMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
