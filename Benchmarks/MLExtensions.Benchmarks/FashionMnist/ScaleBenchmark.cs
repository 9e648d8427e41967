using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>
/// One case per process, so the peak working set is the case's own: <c>--case onehot-sparse|onehot-dense</c> trains a multiclass MLP
/// (hidden 64, batch 128, Adam 1e-3, 1 epoch) on <c>--rows</c> one-hot rows of <c>--width</c> slots (default 3,000 × 50,000) with
/// <c>SparseFeatures</c> Auto or Dense; <c>--case memory|streamed</c> trains Fashion-MNIST's first <c>--rows</c> images (MLP 784-256-128-10,
/// batch 128, Adam 1e-3) packed in memory or streamed in chunks of <c>--chunk</c> rows (a 1-byte memory budget forces streaming).
/// With <c>--idv FILE</c> the images come from an ML.NET binary file (<c>LoadFromBinary</c>, file-backed: no copy of the data in
/// managed memory); <c>--case write-idv --rows N --idv FILE</c> writes that file first, in its own process.
/// Prints the fit time, the median epoch time and the process's peak working set. <c>--case gbnn-onehot</c> boosts a binary GBNN
/// (default options, <c>--units</c> total hidden units, default 200) on <c>--rows</c> rows (default 1,000) of four one-hot categorical
/// columns over <c>--width</c> slots in all (default 800) beside four dense numeric columns: the wide, mostly-zero input a one-hot
/// featurizer gives, which GBNN's step networks read densely; it prints the fit time and the training AUC.
/// </summary>
public static class ScaleBenchmark
{
    public static int Run(string[] args)
    {
        string kind = Option(args, "--case") ?? "onehot-sparse";
        int epochs = int.Parse(Option(args, "--epochs") ?? "1", CultureInfo.InvariantCulture);
        torch.set_num_threads(2);
        var ml = new MLContext(seed: 1);
        IDataView view;
        NeuralNetworkMulticlassTrainer.Options options;
        string description;
        string? idv = Option(args, "--idv");
        if (kind == "write-idv")
        {
            if (idv is null) throw new ArgumentException("--case write-idv needs --idv FILE, the binary file to write.", "--idv");
            int rows = int.Parse(Option(args, "--rows") ?? "60000", CultureInfo.InvariantCulture);
            string source = Option(args, "--data") ?? SharedData("fashion-mnist");
            using (var stream = File.Create(idv))
                ml.Data.SaveAsBinary(ml.Data.TakeRows(FashionMnistData.Load(source, train: true).ToDataView(ml), rows), stream);
            Console.WriteLine($"wrote the first {rows} Fashion-MNIST training images to {idv} ({new FileInfo(idv).Length / (1024.0 * 1024.0):0} MB)");
            return 0;
        }
        if (kind == "gbnn-onehot")
        {
            return GbnnOneHot(ml, int.Parse(Option(args, "--rows") ?? "1000", CultureInfo.InvariantCulture),
                int.Parse(Option(args, "--width") ?? "800", CultureInfo.InvariantCulture), int.Parse(Option(args, "--units") ?? "200", CultureInfo.InvariantCulture));
        }
        if (kind.StartsWith("onehot", StringComparison.Ordinal))
        {
            int rows = int.Parse(Option(args, "--rows") ?? "3000", CultureInfo.InvariantCulture);
            int width = int.Parse(Option(args, "--width") ?? "50000", CultureInfo.InvariantCulture);
            view = OneHot(ml, rows, width);
            options = new() { HiddenLayerSizes = [64], SparseFeatures = kind == "onehot-dense" ? SparseFeatureMode.Dense : SparseFeatureMode.Auto };
            description = $"{rows} one-hot rows × {width} slots, SparseFeatures {options.SparseFeatures}";
        }
        else
        {
            int rows = int.Parse(Option(args, "--rows") ?? "60000", CultureInfo.InvariantCulture);
            string data = Option(args, "--data") ?? SharedData("fashion-mnist");
            if (idv is not null && !File.Exists(idv))
                throw new FileNotFoundException($"--idv {idv} does not exist; write it first with --case write-idv --rows N --idv {idv}.", idv);
            view = idv is not null
                ? ml.Data.TakeRows(ml.Data.LoadFromBinary(idv), rows)
                : ml.Data.TakeRows(FashionMnistData.Load(data, train: true).ToDataView(ml), rows);
            options = new() { HiddenLayerSizes = [256, 128] };
            if (kind == "streamed")
            {
                options.MemoryBudgetBytes = 1;
                options.StreamingChunkRows = int.Parse(Option(args, "--chunk") ?? "8192", CultureInfo.InvariantCulture);
            }
            description = $"Fashion-MNIST first {rows} rows{(idv is null ? "" : " from a binary file")}, {(kind == "streamed" ? $"streamed in chunks of {options.StreamingChunkRows}" : "packed in memory")}";
        }
        options.Dropout = 0;
        options.BatchSize = 128;
        options.Epochs = epochs;
        options.Optimizer = new AdamSpec(LearningRate: 1e-3);
        options.ValidationFraction = 0;
        options.EarlyStoppingPatience = null;
        options.Seed = 1;
        options.NumberOfThreads = Math.Min(2, Environment.ProcessorCount);

        var clock = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(view);
        double fit = clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"{description}: fit {fit:0.00} s, median epoch {Median(model.Model.History.Select(h => h.Seconds)):0.00} s, " +
                          $"training loss {model.Model.History[^1].TrainingLoss:0.0000}, peak working set {process.PeakWorkingSet64 / (1024.0 * 1024.0):0} MB");
        return 0;
    }

    private static int GbnnOneHot(MLContext ml, int rows, int width, int units)
    {
        const int categorical = 4, dense = 4;
        int perColumn = width / categorical;
        var random = new Random(7);
        var effects = Enumerable.Range(0, categorical * perColumn).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var data = Enumerable.Range(0, rows).Select(_ =>
        {
            var features = new float[categorical * perColumn + dense];
            double z = 0;
            for (int c = 0; c < categorical; c++)
            {
                int slot = c * perColumn + random.Next(perColumn);
                features[slot] = 1;
                z += effects[slot];
            }

            for (int k = 0; k < dense; k++)
            {
                float v = (float)(random.NextDouble() * 2 - 1);
                features[categorical * perColumn + k] = v;
                z += (k + 1) * 0.5 * v;
            }

            return new DenseBinaryRow { Features = features, Label = z + 0.5 * (random.NextDouble() - 0.5) > 0 };
        }).ToArray();
        var schema = SchemaDefinition.Create(typeof(DenseBinaryRow));
        schema[nameof(DenseBinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, categorical * perColumn + dense);
        var view = ml.Data.LoadFromEnumerable(data, schema);
        var clock = Stopwatch.StartNew();
        var model = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkBinaryTrainer.Options { TotalHiddenUnits = units, Seed = 1 }).Fit(view);
        double fit = clock.Elapsed.TotalSeconds;
        double auc = ml.BinaryClassification.Evaluate(model.Transform(view)).AreaUnderRocCurve;
        Console.WriteLine($"GBNN on {rows} rows × {categorical * perColumn} one-hot slots + {dense} dense: fit {fit:0.00} s, " +
                          $"{model.Model.Steps.Count} steps kept, training AUC {auc:0.0000}");
        return 0;
    }

    private sealed class DenseBinaryRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    /// <summary>One slot set per row (value 1), the class following the slot, as a one-hot featurizer gives it: sparse vectors.</summary>
    private static IDataView OneHot(MLContext ml, int rows, int width)
    {
        var random = new Random(5);
        var schema = SchemaDefinition.Create(typeof(OneHotRow));
        schema[nameof(OneHotRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var data = Enumerable.Range(0, rows).Select(_ =>
        {
            int slot = random.Next(width);
            return new OneHotRow { Features = new VBuffer<float>(width, 1, [1f], [slot]), Label = (uint)(slot % 10) };
        }).ToArray();
        return ml.Data.LoadFromEnumerable(data, schema);
    }

    private sealed class OneHotRow
    {
        public VBuffer<float> Features { get; set; }

        [KeyType(10)]
        public uint Label { get; set; }
    }
}
