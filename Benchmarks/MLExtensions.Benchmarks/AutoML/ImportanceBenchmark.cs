using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLExtensions.AutoML;
using MLExtensions.Benchmarks.FashionMnist;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.AutoML;

/// <summary>
/// fANOVA parameter importances (64 trees, Optuna's defaults) on a synthetic trial table, ours beside Optuna's
/// (<c>reference_fanova.py</c>) in the same run: seconds per evaluation (median of <c>--repeat</c>) and the normalized
/// importances. The table: <c>--trials</c> rows of <c>--params</c> continuous parameters in [0, 1] and one choice of four
/// (one-hot), metric = Σ_j x_j / 2^j + the choice's effect + noise, so the importances fall off by parameter.
/// </summary>
internal static class ImportanceBenchmark
{
    public static int Run(string[] args)
    {
        int trials = int.Parse(Option(args, "--trials") ?? "200", CultureInfo.InvariantCulture);
        int parameters = int.Parse(Option(args, "--params") ?? "8", CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        var random = new Random(7);
        var x = new double[trials][];
        var y = new double[trials];
        double[] choiceEffect = [0, 0.6, 0.2, 0.4];
        for (int i = 0; i < trials; i++)
        {
            x[i] = new double[parameters + 4];
            for (int j = 0; j < parameters; j++)
            {
                x[i][j] = random.NextDouble();
                y[i] += x[i][j] / Math.Pow(2, j);
            }

            int choice = random.Next(4);
            x[i][parameters + choice] = 1;
            y[i] += choiceEffect[choice] + (0.05 * random.NextDouble());
        }

        int[][] groups = [.. Enumerable.Range(0, parameters).Select(j => new[] { j }), Enumerable.Range(parameters, 4).ToArray()];
        string[] names = [.. Enumerable.Range(0, parameters).Select(j => $"x{j}"), "choice"];
        Console.WriteLine($"fANOVA, 64 trees: {trials} trials, {parameters} continuous parameters and a choice of 4; {Environment.ProcessorCount} cores");

        var seconds = new List<double>();
        (double Mean, double Std)[] fractions = [];
        for (int r = 0; r < repeat; r++)
        {
            var watch = Stopwatch.StartNew();
            fractions = ParameterImportanceEvaluator.Fractions(x, y, groups, new ParameterImportanceOptions { Seed = r });
            seconds.Add(watch.Elapsed.TotalSeconds);
        }

        double total = fractions.Sum(f => f.Mean);
        var ours = fractions.Select(f => f.Mean / total).ToArray();

        double[]? theirs = null;
        string python = Option(args, "--python") ?? Environment.GetEnvironmentVariable(PyTorchReference.PythonVariable) ?? "python3";
        string table = Path.Combine(Path.GetTempPath(), $"fanova-table-{Environment.ProcessId}.json");
        File.WriteAllText(table, JsonSerializer.Serialize(new { X = x, y, groups, repeat }));
        string script = Path.Combine(RepositoryRoot(), "Benchmarks", "MLExtensions.Benchmarks", "AutoML", "reference_fanova.py");
        var (code, output) = PyTorchReference.RunProcess(python, [script, table], TimeSpan.FromHours(1));
        File.Delete(table);
        string? json = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (code == 0 && json is not null)
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            double optunaSeconds = Median(root.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()));
            theirs = root.GetProperty("importance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Console.WriteLine($"MLExtensions: {Median(seconds):0.000} s (median of {repeat}); Optuna {root.GetProperty("optuna").GetString()}: " +
                              $"{optunaSeconds:0.000} s ({optunaSeconds / Median(seconds):0.0}x ours)");
        }
        else
        {
            Console.WriteLine($"MLExtensions: {Median(seconds):0.000} s (median of {repeat}); Optuna reference skipped: '{python}' could not run " +
                              $"{script} (needs optuna and scikit-learn; pass --python CMD). {output.Trim().Split('\n').LastOrDefault()}");
        }

        Console.WriteLine("| parameter | ours | Optuna |");
        Console.WriteLine("| --- | --- | --- |");
        for (int g = 0; g < groups.Length; g++)
            Console.WriteLine($"| {names[g]} | {ours[g]:0.0000} | {(theirs is null ? "-" : theirs[g].ToString("0.0000", CultureInfo.InvariantCulture))} |");
        return 0;
    }
}
