using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Benchmarks.FashionMnist;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;
using static TorchSharp.torch;

namespace MLExtensions.Benchmarks.Scoring;

/// <summary>
/// Scoring throughput of a trained Fashion-MNIST MLP (784-256-128-10 or --hidden sizes, one training epoch) over the 10,000 test rows: ML.NET
/// Transform + Evaluate through our transformer, PredictionEngine row by row, the ONNX-backed conversion, and one batched
/// TorchSharp forward as the lower bound. Each figure is the median of --repeat runs (wall and process CPU time); --threads sets the torch
/// threads (default 2).
/// </summary>
public static class ScoringBenchmark
{
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? SharedData("fashion-mnist");
        int repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        int[] hidden = (Option(args, "--hidden") ?? "256,128").Split(',').Select(int.Parse).ToArray();
        int threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        torch.set_num_threads(threads);
        var train = FashionMnistData.Load(data, train: true);
        var test = FashionMnistData.Load(data, train: false);
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.Cache(train.ToDataView(ml));
        var testView = ml.Data.Cache(test.ToDataView(ml));
        var options = new NeuralNetworkMulticlassTrainer.Options
        {
            HiddenLayerSizes = hidden, Activation = ActivationKind.ReLU, Dropout = 0, BatchSize = 128, Epochs = 1,
            Optimizer = new AdamSpec(LearningRate: 1e-3), ValidationFraction = 0, EarlyStoppingPatience = null, Seed = 1, NumberOfThreads = threads,
        };
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(trainView);
        var onnx = ml.Model.ConvertToOnnxBacked(model, testView.Schema);
        Console.WriteLine($"Scoring {test.Count} Fashion-MNIST test rows, MLP 784-{string.Join("-", hidden)}-10; {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}");
        Console.WriteLine($"Load average before: {LoadAverage()}");
        Console.WriteLine($"{"path",-48} {"median s",9} {"rows/s",10} {"accuracy",9} {"CPU s",9}");

        Report("ML.NET Transform + Evaluate (our transformer)", repeat, test.Count,
            () => ml.MulticlassClassification.Evaluate(model.Transform(testView)).MicroAccuracy);
        Report("ML.NET Transform + Evaluate (ONNX-backed)", repeat, test.Count,
            () => ml.MulticlassClassification.Evaluate(onnx.Transform(testView)).MicroAccuracy);
        var rows = ml.Data.CreateEnumerable<FashionMnistData.Row>(testView, reuseRowObject: false).ToArray();
        using var engine = ml.Model.CreatePredictionEngine<FashionMnistData.Row, MulticlassPrediction>(model);
        Report("PredictionEngine, one row at a time", repeat, test.Count, () =>
        {
            int correct = 0;
            foreach (var row in rows)
            {
                correct += engine.Predict(row).PredictedLabel == row.Label ? 1 : 0;
            }

            return correct / (double)rows.Length;
        });
        Report("bare TorchSharp, one batched forward (lower bound)", repeat, test.Count, () => BatchedAccuracy(model, test));

        // Where Transform + Evaluate's time goes beyond the forward passes: the input view read alone, our view read alone
        // (what Evaluate asks of it: label, score, predicted label), and ML.NET's evaluator alone on already scored, cached rows.
        Console.WriteLine("Breakdown of Transform + Evaluate:");
        Report("  reading the input's Features and Label columns", repeat, test.Count, () => Drain(testView, "Features", "Label"));
        Report("  reading our view's Label, Score, PredictedLabel", repeat, test.Count,
            () => Drain(model.Transform(testView), "Label", "Score", "PredictedLabel"));
        var scored = ml.Data.Cache(model.Transform(testView));
        Drain(scored, "Label", "Score", "PredictedLabel");
        Report("  ML.NET's Evaluate on cached scored rows", repeat, test.Count, () => ml.MulticlassClassification.Evaluate(scored).MicroAccuracy);
        Console.WriteLine($"Load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>Prints the median wall time of <paramref name="repeat"/> runs of <paramref name="score"/> and the median process CPU time
    /// (all threads; less sensitive than wall time to other load on the machine).</summary>
    private static void Report(string name, int repeat, int count, Func<double> score)
    {
        double accuracy = 0;
        var seconds = new double[repeat];
        var cpu = new double[repeat];
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < repeat; r++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            accuracy = score();
            seconds[r] = clock.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[r] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }

        double median = Median(seconds);
        Console.WriteLine($"{name,-48} {median,9:0.000} {count / median,10:0} {accuracy,9:0.0000} {Median(cpu),9:0.000}");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    /// <summary>Reads every row's <paramref name="columns"/> through their getters; returns a checksum-derived number to keep the reads.</summary>
    private static double Drain(IDataView view, params string[] columns)
    {
        var schema = view.Schema;
        using var cursor = view.GetRowCursor(columns.Select(c => schema[c]));
        var readers = columns.Select(c => Reader(cursor, schema[c])).ToArray();
        double checksum = 0;
        while (cursor.MoveNext())
        {
            foreach (var read in readers) checksum += read();
        }

        return checksum == 0 ? 0 : 1;
    }

    private static Func<double> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            return () =>
            {
                getter(ref value);
                return value.GetValues()[0];
            };
        }

        if (column.Type is KeyDataViewType)
        {
            var getter = cursor.GetGetter<uint>(column);
            uint value = 0;
            return () =>
            {
                getter(ref value);
                return value;
            };
        }

        throw new InvalidOperationException($"Column '{column.Name}' of type {column.Type} is not read by this benchmark.");
    }

    private static double BatchedAccuracy(NeuralNetworkPredictionTransformer model, FashionMnistData test)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var network = new MlpNetwork(model.Model.Architecture);
        network.SetWeights(model.Model.Weights);
        network.eval();
        var predicted = network.forward(tensor(test.Pixels, new long[] { test.Count, FashionMnistData.PixelCount })).argmax(1);
        var truth = tensor(test.Labels.Select(l => (long)l).ToArray());
        double accuracy = predicted.eq(truth).to(ScalarType.Float64).mean().item<double>();
        network.Dispose();
        return accuracy;
    }

    /// <summary>The multiclass outputs read back by the prediction engine.</summary>
    public sealed class MulticlassPrediction
    {
        /// <summary>The predicted class key (1-based, as ML.NET stores keys).</summary>
        public uint PredictedLabel { get; set; }

        /// <summary>The class probabilities.</summary>
        public float[] Score { get; set; } = [];
    }
}
