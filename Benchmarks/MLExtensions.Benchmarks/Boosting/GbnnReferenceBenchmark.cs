using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.Boosting;

/// <summary>
/// GBNN against the authors' implementation (reference_gbnn.py running GAA-UAM/GBNN) in the reference's two settings (J = 1,
/// η = 1, subsample 0.5; J = 4, η = 0.5, subsample 0.75; 200 units, 200 L-BFGS iterations) on spam, satellite and diamonds,
/// for several seeds. Ours and the reference alternate (ours, reference, per data set, setting and seed) so both see the same
/// machine load; each side times only the boosting fit on already standardized features and counts its L-BFGS objective
/// evaluations. The reference runs in a child process (<c>--python</c>, default <c>python3</c>) and is skipped with a message when
/// Python, scikit-learn or the gbnn package is missing.
/// </summary>
public static class GbnnReferenceBenchmark
{
    /// <summary>The two settings of the comparison: name, units per step, learning rate, subsample.</summary>
    private static readonly (string Name, int Units, double LearningRate, double Subsample)[] Settings =
    [
        ("J=1, η=1, subsample 0.5", 1, 1.0, 0.5),
        ("J=4, η=0.5, subsample 0.75", 4, 0.5, 0.75),
    ];

    public static int Run(string[] args)
    {
        string root = Path.GetFullPath(Option(args, "--data") ?? Path.Combine(RepositoryRoot(), "..", "shared", "data"));
        var seeds = (Option(args, "--seeds") ?? "1,2,3,4,5").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var only = (Option(args, "--only") ?? "spam,satellite,diamonds").Split(',');
        var settings = Option(args, "--settings") is { } s ? s.Split(',').Select(i => Settings[int.Parse(i, CultureInfo.InvariantCulture)]).ToArray() : Settings;
        var reference = args.Contains("--no-reference") ? null : Reference.Create(args, root);
        var ml = new MLContext(seed: 1);
        Console.WriteLine($"GBNN against the reference; data under {root}; {Environment.ProcessorCount} cores; seeds {string.Join(",", seeds)}; load {LoadAverage()}");
        if (reference is not null && !reference.Check())
        {
            reference = null;
        }

        var summary = new List<string>();
        Console.WriteLine("| data | setting | seed | side | metric | fit s | fit CPU s | L-BFGS evaluations | iterations |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (string data in only)
        {
            var (train, test, metricName, evaluate) = Load(ml, root, data);
            foreach (var setting in settings)
            {
                var ours = new List<FitResult>();
                var theirs = new List<FitResult>();
                foreach (int seed in seeds)
                {
                    var run = Ours(ml, data, train, test, evaluate, setting, seed);
                    ours.Add(run);
                    Print(data, setting.Name, seed, "ours", run);
                    if (reference?.Fit(data, setting.Units, setting.LearningRate, setting.Subsample, seed) is { } r)
                    {
                        theirs.Add(r);
                        Print(data, setting.Name, seed, "reference", r);
                    }
                }

                summary.Add(Summarize(data, setting.Name, metricName, ours, theirs));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Summary over {seeds.Length} seeds (mean ± standard error; fit s: median wall-clock, and process CPU; speed: the reference's median fit time over ours); load {LoadAverage()}");
        Console.WriteLine("| data | setting | metric | ours | reference | ours fit s | reference fit s | speed vs reference | evaluations ours / reference |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        summary.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>One fit: the test metric, the fit's wall-clock and process CPU seconds, and the L-BFGS work summed over the steps.</summary>
    internal sealed record FitResult(double Metric, double Seconds, double CpuSeconds, long Evaluations, long Iterations);

    private static FitResult Ours(MLContext ml, string data, IDataView train, IDataView test, Func<IDataView, double> evaluate,
                            (string Name, int Units, double LearningRate, double Subsample) setting, int seed)
    {
        IEstimator<ITransformer> trainer = data switch
        {
            "diamonds" => ml.Regression.Trainers.GradientBoostedNeuralNetwork(Configure(GradientBoostedNeuralNetworkRegressionTrainer.Options.Reference(), setting, seed)),
            "spam" => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Configure(GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference(), setting, seed)),
            _ => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(Configure(GradientBoostedNeuralNetworkMulticlassTrainer.Options.Reference(), setting, seed)),
        };
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var gbnn = ((GradientBoostedNeuralNetworkPredictionTransformer)model).Model;
        return new FitResult(evaluate(model.Transform(test)), seconds, cpuSeconds, gbnn.Work.Evaluations, gbnn.Work.Iterations);
    }

    private static T Configure<T>(T options, (string Name, int Units, double LearningRate, double Subsample) setting, int seed)
        where T : GradientBoostedNeuralNetworkOptionsBase
    {
        options.UnitsPerStep = setting.Units;
        options.LearningRate = setting.LearningRate;
        options.Subsample = setting.Subsample;
        options.Seed = seed;
        return options;
    }

    /// <summary>Train and test rows with features centred and scaled on the training rows (cached), the metric and how to compute it.</summary>
    private static (IDataView Train, IDataView Test, string Metric, Func<IDataView, double> Evaluate) Load(MLContext ml, string root, string data)
    {
        IDataView train, test;
        string metric;
        Func<IDataView, double> evaluate;
        switch (data)
        {
            case "diamonds":
                train = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "train.csv")));
                test = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "test.csv")));
                (metric, evaluate) = ("RMSE of ln price", v => ml.Regression.Evaluate(v).RootMeanSquaredError);
                break;
            case "spam":
                (train, test) = LoadNumeric(ml, Path.Combine(root, "spam"), 57, DataKind.Boolean);
                (metric, evaluate) = ("AUC", v => ml.BinaryClassification.Evaluate(v).AreaUnderRocCurve);
                break;
            case "satellite":
                (train, test) = LoadNumeric(ml, Path.Combine(root, "satellite"), 36, DataKind.String);
                var key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
                (train, test) = (key.Transform(train), key.Transform(test));
                (metric, evaluate) = ("accuracy", v => ml.MulticlassClassification.Evaluate(v).MicroAccuracy);
                break;
            default:
                throw new ArgumentException($"--only: unknown data set '{data}'; allowed: spam, satellite, diamonds.");
        }

        // fixZero: false centres as well as scales, as scikit-learn's StandardScaler in the reference script.
        var normalize = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false).Fit(train);
        return (ml.Data.Cache(normalize.Transform(train)), normalize.Transform(test), metric, evaluate);
    }

    private static (IDataView Train, IDataView Test) LoadNumeric(MLContext ml, string folder, int features, DataKind labelKind)
    {
        var options = new TextLoader.Options
        {
            HasHeader = true, Separators = [','],
            Columns = [new TextLoader.Column("Features", DataKind.Single, 0, features - 1), new TextLoader.Column("Label", labelKind, features)],
        };
        return (ml.Data.LoadFromTextFile(Path.Combine(folder, "train.csv"), options), ml.Data.LoadFromTextFile(Path.Combine(folder, "test.csv"), options));
    }

    private static void Print(string data, string setting, int seed, string side, FitResult run) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {data} | {setting} | {seed} | {side} | {run.Metric:0.0000} | {run.Seconds:0.00} | {run.CpuSeconds:0.00} | {run.Evaluations} | {run.Iterations} |"));

    private static string Summarize(string data, string setting, string metric, List<FitResult> ours, List<FitResult> theirs)
    {
        static string MeanSe(IReadOnlyList<double> v)
        {
            double mean = v.Average();
            double se = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1) / v.Count) : double.NaN;
            return string.Create(CultureInfo.InvariantCulture, $"{mean:0.0000} ± {se:0.0000}");
        }

        static string Seconds(List<FitResult> runs) => runs.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $"{Median(runs.Select(r => r.Seconds)):0.00} (CPU {Median(runs.Select(r => r.CpuSeconds)):0.00})");
        static string Ratio(List<FitResult> ours, List<FitResult> theirs, Func<FitResult, double> time) =>
            (Median(theirs.Select(time)) / Median(ours.Select(time))).ToString("0.00", CultureInfo.InvariantCulture) + "×";

        string reference = theirs.Count == 0 ? "(not run)" : MeanSe(theirs.Select(r => r.Metric).ToArray());
        string speed = theirs.Count == 0 ? "" : $"{Ratio(ours, theirs, r => r.Seconds)} (CPU {Ratio(ours, theirs, r => r.CpuSeconds)})";
        string work = string.Create(CultureInfo.InvariantCulture, $"{ours.Average(r => r.Evaluations):0} / {(theirs.Count == 0 ? "" : theirs.Average(r => r.Evaluations).ToString("0", CultureInfo.InvariantCulture))}");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {data} | {setting} | {metric} | {MeanSe(ours.Select(r => r.Metric).ToArray())} | {reference} | {Seconds(ours)} | {Seconds(theirs)} | {speed} | {work} |");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The authors' code in a child process: reference_gbnn.py, one fit per call, its result as a JSON line.</summary>
    private sealed class Reference(string python, string script, string root, string? gbnnPath, string? blasDirectory)
    {
        public static Reference Create(string[] args, string root) => new(
            Option(args, "--python") ?? Environment.GetEnvironmentVariable("MLEXT_REFERENCE_PYTHON") ?? "python3",
            Path.Combine(RepositoryRoot(), "Benchmarks", "MLExtensions.Benchmarks", "Boosting", "reference_gbnn.py"),
            root, Option(args, "--gbnn-path"), Option(args, "--blas-dir"));

        /// <summary>Prints the reference's versions and BLAS; false (with the reason) when it cannot run.</summary>
        public bool Check()
        {
            var (code, output, error) = Execute("--check");
            if (code != 0)
            {
                Console.WriteLine($"Reference skipped: '{python} {script} --check' failed ({code}): {error.Trim().Split('\n').LastOrDefault()}");
                Console.WriteLine("  (needs Python 3 with numpy, scikit-learn and the gbnn package of GAA-UAM/GBNN: pass --gbnn-path DIR, --python CMD, --blas-dir DIR)");
                return false;
            }

            Console.WriteLine($"Reference: {output.Trim()}");
            return true;
        }

        public FitResult? Fit(string data, int units, double learningRate, double subsample, int seed)
        {
            var (code, output, error) = Execute("--data", root, "--only", data, "--units", units.ToString(CultureInfo.InvariantCulture),
                "--eta", learningRate.ToString(CultureInfo.InvariantCulture), "--subsample", subsample.ToString(CultureInfo.InvariantCulture),
                "--seeds", seed.ToString(CultureInfo.InvariantCulture), "--json");
            if (code != 0)
            {
                Console.WriteLine($"Reference failed ({code}): {error.Trim().Split('\n').LastOrDefault()}");
                return null;
            }

            using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
            var r = json.RootElement;
            return new FitResult(r.GetProperty("metric").GetDouble(), r.GetProperty("seconds").GetDouble(), r.GetProperty("cpu_seconds").GetDouble(), r.GetProperty("evaluations").GetInt64(),
                r.GetProperty("iterations").GetInt64());
        }

        private (int Code, string Output, string Error) Execute(params string[] arguments)
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            if (gbnnPath is not null) start.Environment["PYTHONPATH"] = Prepend(gbnnPath, start.Environment.TryGetValue("PYTHONPATH", out var p) ? p : null);
            // The BLAS folder reaches only the reference's process, never this one (TorchSharp's libraries stay as they are).
            if (blasDirectory is not null) start.Environment["LD_LIBRARY_PATH"] = Prepend(blasDirectory, start.Environment.TryGetValue("LD_LIBRARY_PATH", out var l) ? l : null);
            try
            {
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, output, error.Result);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, "", $"cannot start '{python}': {e.Message}");
            }
        }

        private static string Prepend(string path, string? existing) => string.IsNullOrEmpty(existing) ? path : path + Path.PathSeparator + existing;
    }
}
