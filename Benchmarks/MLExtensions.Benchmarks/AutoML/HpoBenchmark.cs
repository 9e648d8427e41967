using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.AutoML;
using MLExtensions.Benchmarks.Boosting;
using MLExtensions.Benchmarks.FashionMnist;

namespace MLExtensions.Benchmarks.AutoML;

/// <summary>
/// Hyperparameter search over our neural trainer's space (optimizer one-of with its own hyperparameters, learning rate,
/// schedule, width, depth, batch size, dropout, weight decay) with random search, TPE, CFO, random + ASHA and TPE + ASHA
/// under the same budget of epochs, on paired seeds (AUTOML-ANCHORS.md §6.2). Every trial trains up to
/// <c>--max-epochs</c> epochs (the fidelity) and reports its validation log-loss after each epoch; the objective is the
/// validation log-loss of a trial that trained every epoch. Per seed: <c>ratio = epochs random search needed to first
/// reach its final best / epochs the method needed to first reach that value with a full trial</c> (0 when it never does).
/// </summary>
internal static class HpoBenchmark
{
    private static readonly string[] AllMethods = ["random", "tpe", "cfo", "random+asha", "tpe+asha"];

    public static int Run(string[] args)
    {
        int seeds = int.Parse(BenchmarkSupport.Option(args, "--seeds") ?? "10", CultureInfo.InvariantCulture);
        int firstSeed = int.Parse(BenchmarkSupport.Option(args, "--first-seed") ?? "0", CultureInfo.InvariantCulture);
        int maxEpochs = int.Parse(BenchmarkSupport.Option(args, "--max-epochs") ?? "27", CultureInfo.InvariantCulture);
        int budget = int.Parse(BenchmarkSupport.Option(args, "--budget-epochs") ?? (maxEpochs * 30).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int rows = int.Parse(BenchmarkSupport.Option(args, "--rows") ?? "4000", CultureInfo.InvariantCulture);
        string[] datasets = (BenchmarkSupport.Option(args, "--datasets") ?? "churn,fashion").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string[] methods = (BenchmarkSupport.Option(args, "--methods") ?? string.Join(',', AllMethods)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var asha = new Asha(
            int.Parse(BenchmarkSupport.Option(args, "--asha-min-resource") ?? "1", CultureInfo.InvariantCulture),
            int.Parse(BenchmarkSupport.Option(args, "--asha-reduction-factor") ?? "3", CultureInfo.InvariantCulture));
        string output = BenchmarkSupport.Option(args, "--output") ?? Path.Combine(BenchmarkSupport.RepositoryRoot(), "Benchmarks", "output", "automl");
        foreach (var m in methods)
        {
            if (!AllMethods.Contains(m))
                throw new ArgumentException($"--methods: unknown method '{m}'; allowed: {string.Join(", ", AllMethods)}.");
        }
        if (!methods.Contains("random"))
            throw new ArgumentException("--methods must include 'random': the ratios are measured against random search.");
        Directory.CreateDirectory(output);

        // Seeds outer, data sets inner: a run stopped early leaves the same seeds finished on every data set.
        var loaded = datasets.Select(name =>
        {
            var ml = new MLContext(0);
            var (train, validation, isBinary, description) = name switch
            {
                "churn" => Churn(ml, BenchmarkSupport.Option(args, "--churn-data") ?? BenchmarkSupport.SharedData("wa_churn")),
                "fashion" => Fashion(ml, BenchmarkSupport.Option(args, "--fashion-data") ?? BenchmarkSupport.SharedData("fashion-mnist"), rows),
                _ => throw new ArgumentException($"--datasets: unknown data set '{name}'; allowed: churn, fashion."),
            };
            Console.WriteLine($"== {name}: {description}; budget {budget} epochs per search, trials of up to {maxEpochs} epochs, ASHA r = {asha.MinResource} η = {asha.ReductionFactor}, seeds {firstSeed}..{firstSeed + seeds - 1}");
            return (Name: name, Train: train, Validation: validation, IsBinary: isBinary, Runs: new List<SearchRun>());
        }).ToList();
        foreach (int seed in Enumerable.Range(firstSeed, seeds))
        {
            foreach (var d in loaded)
            {
                foreach (var method in methods)
                {
                    var run = Search(d.Train, d.Validation, d.IsBinary, method, seed, maxEpochs, budget, asha);
                    d.Runs.Add(run);
                    foreach (var failed in run.Trials.Where(t => t.State == TrialState.Failed))
                        Console.WriteLine($"    trial {failed.Id} failed: {failed.Error}");
                    Console.WriteLine($"  {d.Name} seed {seed} {method,-12} trials {run.Trials.Count,4} (complete {run.Trials.Count(t => t.Full),3}, pruned {run.Trials.Count(t => t.State == TrialState.Pruned),3}, failed {run.Trials.Count(t => t.State == TrialState.Failed),2})  best {run.FinalBest:F4}  {run.Seconds,6:F1} s");
                }

                // The report is rewritten after every seed, so a run stopped early still leaves the seeds it finished.
                Report(d.Name, d.Runs, methods, seed - firstSeed + 1, output);
            }
        }

        return 0;
    }

    /// <summary>ASHA's settings: the first rung (epochs) and η (Hyperband's and ASHA's papers: r = 1 epoch, η = 3).</summary>
    private sealed record Asha(int MinResource, int ReductionFactor);

    private sealed record TrialPoint(int Id, TrialState State, int Epochs, double Loss, bool Full, double Seconds, string Parameter, string? Error);

    private sealed record SearchRun(string Method, int Seed, List<TrialPoint> Trials, double Seconds)
    {
        public double FinalBest => Trials.Where(t => t.Full).Select(t => t.Loss).DefaultIfEmpty(double.NaN).Min();

        /// <summary>Epochs (cumulative, in trial order) when a full trial first reached a loss ≤ <paramref name="target"/>; null if never.</summary>
        public (int Epochs, double Seconds)? FirstReach(double target)
        {
            int epochs = 0;
            double seconds = 0;
            foreach (var t in Trials)
            {
                epochs += t.Epochs;
                seconds += t.Seconds;
                if (t.Full && t.Loss <= target) return (epochs, seconds);
            }
            return null;
        }

        /// <summary>The best-so-far loss of full trials after each trial, against cumulative epochs and seconds.</summary>
        public IEnumerable<(int Epochs, double Seconds, double Best)> Curve()
        {
            int epochs = 0;
            double seconds = 0, best = double.NaN;
            foreach (var t in Trials)
            {
                epochs += t.Epochs;
                seconds += t.Seconds;
                if (t.Full && !(t.Loss >= best)) best = t.Loss;
                yield return (epochs, seconds, best);
            }
        }
    }

    /// <summary>The product's neural space, <see cref="AutoMLCatalog.NeuralNetworkSearchSpace"/>, without <c>Epochs</c>
    /// (the fidelity, fixed to <c>--max-epochs</c> here).</summary>
    internal static SearchSpace Space(long expectedTotalSteps)
    {
        var space = AutoMLCatalog.NeuralNetworkSearchSpace(expectedTotalSteps);
        if (!space.Remove("Epochs"))
            throw new InvalidOperationException("AutoMLCatalog.NeuralNetworkSearchSpace has no 'Epochs' key to fix.");
        return space;
    }

    /// <summary>The sweepables' own mapping of a parameter to trainer options, then the benchmark's fixed settings.</summary>
    internal static NeuralNetworkOptionsBase Apply(NeuralNetworkOptionsBase options, Parameter p, int epochs, IDataView validation, int seed, long expectedTotalSteps)
    {
        AutoMLCatalog.ApplyNeuralNetworkParameter(options, p, options.LabelColumnName, options.FeatureColumnName, seed, expectedTotalSteps);
        options.Epochs = epochs;
        options.EarlyStoppingPatience = null;
        options.ValidationData = validation;
        options.NumberOfThreads = 1;
        return options;
    }

    private static SearchRun Search(IDataView train, IDataView validation, bool isBinary, string method, int seed, int maxEpochs, int budget, Asha asha)
    {
        // Schedule step counts scale with the steps of a full trial at the space's default batch size (64).
        long trainRows = train.GetRowCount() ?? CountRows(train);
        long expectedTotalSteps = maxEpochs * ((trainRows + 63) / 64);
        var space = Space(expectedTotalSteps);
        var context = new MLContext(seed);
        using var monitor = new EpochBudgetMonitor(budget);
        var experiment = new AutoMLExperiment(context)
            .SetSeed(seed)
            .SetPipeline((c, p) =>
            {
                int trialSeed = TrialScope.Current?.TrialId ?? 0;
                return isBinary
                    ? c.BinaryClassification.Trainers.NeuralNetwork((NeuralNetworkBinaryTrainer.Options)Apply(new NeuralNetworkBinaryTrainer.Options(), p, maxEpochs, validation, 1000 * seed + trialSeed, expectedTotalSteps), TrialScope.TrainingProgress)
                    : c.MulticlassClassification.Trainers.NeuralNetwork((NeuralNetworkMulticlassTrainer.Options)Apply(new NeuralNetworkMulticlassTrainer.Options(), p, maxEpochs, validation, 1000 * seed + trialSeed, expectedTotalSteps), TrialScope.TrainingProgress);
            }, space)
            .SetDataset(train, validation)
            .SetMetricManager(new ValidationLogLossMetric(isBinary))
            .SetMonitor(monitor)
            .SetRefit(false)
            .SetMaxTrials(100_000);
        experiment = method switch
        {
            "random" or "random+asha" => experiment.SetTuner(s => new RandomSearchTuner(space, s)),
            "tpe" or "tpe+asha" => experiment.SetTuner(s => new TpeTuner(space, new TpeOptions { Seed = s })),
            _ => experiment.SetTuner(s => new CostFrugalTuner(space, new CostFrugalTunerOptions { Seed = s })),
        };
        if (method.EndsWith("+asha", StringComparison.Ordinal))
            experiment = experiment.SetPruner(new SuccessiveHalvingPruner(new SuccessiveHalvingPruner.Options { MinResource = asha.MinResource, ReductionFactor = asha.ReductionFactor }));
        var clock = Stopwatch.StartNew();
        var result = experiment.RunAsync(monitor.Token).GetAwaiter().GetResult();
        clock.Stop();
        var points = result.Trials
            .Where(t => t.State is TrialState.Complete or TrialState.Pruned or TrialState.Failed)
            .Select(t => new TrialPoint(t.TrialSettings.TrialId, t.State, t.IntermediateValues.Count, t.Metric,
                t.State == TrialState.Complete && t.IntermediateValues.Count == maxEpochs, t.DurationInMilliseconds / 1000, t.TrialSettings.Parameter.ToJson(), t.Exception?.GetBaseException().Message))
            .ToList();
        return new SearchRun(method, seed, points, clock.Elapsed.TotalSeconds);
    }

    private static void Report(string dataset, List<SearchRun> runs, string[] methods, int seeds, string output)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"| method | median ratio (epochs) | seeds ≥ 3× | reached RS's best | median ratio (seconds) | median final val log-loss | median trials | per-seed ratios (epochs) |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var randomRuns = runs.Where(r => r.Method == "random").ToDictionary(r => r.Seed);
        foreach (var method in methods)
        {
            var ratios = new List<double>();
            var secondRatios = new List<double>();
            int reached = 0;
            foreach (var run in runs.Where(r => r.Method == method))
            {
                var rs = randomRuns[run.Seed];
                double target = rs.FinalBest;
                var rsReach = rs.FirstReach(target)!.Value;
                var reach = run.FirstReach(target);
                if (reach is { } r)
                {
                    reached++;
                    ratios.Add(rsReach.Epochs / (double)r.Epochs);
                    secondRatios.Add(rsReach.Seconds / r.Seconds);
                }
                else
                {
                    ratios.Add(0);
                    secondRatios.Add(0);
                }
            }
            var own = runs.Where(r => r.Method == method).ToList();
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {method} | {BenchmarkSupport.Median(ratios):F2}× | {ratios.Count(x => x >= 3)}/{seeds} | {reached}/{seeds} | {BenchmarkSupport.Median(secondRatios):F2}× | {BenchmarkSupport.Median(own.Select(r => r.FinalBest)):F4} | {BenchmarkSupport.Median(own.Select(r => (double)r.Trials.Count)):F0} | {string.Join(", ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} |");
        }
        Console.WriteLine();
        Console.WriteLine(table);
        File.WriteAllText(Path.Combine(output, $"{dataset}-table.md"), table.ToString());

        var curves = new StringBuilder("method,seed,trial,epochs,seconds,best_so_far\n");
        foreach (var run in runs)
        {
            int i = 0;
            foreach (var (epochs, seconds, best) in run.Curve())
                curves.AppendLine(CultureInfo.InvariantCulture, $"{run.Method},{run.Seed},{i++},{epochs},{seconds:F3},{best:R}");
        }
        File.WriteAllText(Path.Combine(output, $"{dataset}-curves.csv"), curves.ToString());
        var trials = new StringBuilder("method,seed,trial,state,epochs,loss,full,seconds,parameter,error\n");
        foreach (var run in runs)
        {
            foreach (var t in run.Trials)
                trials.AppendLine(CultureInfo.InvariantCulture, $"{run.Method},{run.Seed},{t.Id},{t.State},{t.Epochs},{t.Loss:R},{t.Full},{t.Seconds:F3},{Quote(t.Parameter)},{Quote(t.Error ?? "")}");
        }
        File.WriteAllText(Path.Combine(output, $"{dataset}-trials.csv"), trials.ToString());
        HpoPlot.BestSoFar(dataset, runs.Select(r => (r.Method, r.Seed, r.Curve().ToList())).ToList(), Path.Combine(output, $"{dataset}-best-so-far.png"));
        Console.WriteLine($"wrote {output}/{dataset}-table.md, -curves.csv, -trials.csv, -best-so-far.png");
    }

    private static long CountRows(IDataView view)
    {
        long n = 0;
        using var cursor = view.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal).ReplaceLineEndings(" ") + "\"";

    private static (IDataView Train, IDataView Validation, bool IsBinary, string Description) Churn(MLContext ml, string folder)
    {
        var (all, _) = TabularCsv.Load(folder, "churn");
        Standardize(all);
        var shuffled = all.ToArray();
        new Random(12345).Shuffle(shuffled);
        int nValid = shuffled.Length / 5;
        var validation = shuffled.Take(nValid).ToList();
        var train = shuffled.Skip(nValid).ToList();
        return (TabularCsv.Binary(ml, train), TabularCsv.Binary(ml, validation), true,
            $"wa_churn train.csv split 80/20 (seed 12345): {train.Count} train, {validation.Count} validation rows, {all[0].X.Length} standardized features");
    }

    private static void Standardize(List<(float[] X, float Y)> rows)
    {
        int d = rows[0].X.Length;
        for (int j = 0; j < d; j++)
        {
            double mean = rows.Average(r => r.X[j]);
            double sd = Math.Sqrt(rows.Average(r => (r.X[j] - mean) * (r.X[j] - mean)));
            foreach (var r in rows) r.X[j] = sd > 0 ? (float)((r.X[j] - mean) / sd) : 0f;
        }
    }

    private static (IDataView Train, IDataView Validation, bool IsBinary, string Description) Fashion(MLContext ml, string folder, int rows)
    {
        var data = FashionMnistData.Load(folder, train: true);
        int nValid = rows / 4;
        if (rows + nValid > data.Count) throw new ArgumentException($"--rows {rows}: Fashion-MNIST has {data.Count} training images.");
        var view = data.ToDataView(ml);
        var subset = ml.Data.TakeRows(ml.Data.ShuffleRows(view, seed: 12345), rows + nValid);
        var cached = ml.Data.Cache(subset);
        var train = ml.Data.TakeRows(cached, rows);
        var validation = ml.Data.SkipRows(cached, rows);
        return (ml.Data.Cache(train), ml.Data.Cache(validation), false,
            $"Fashion-MNIST training images shuffled (seed 12345): {rows} train, {nValid} validation, 784 pixels / 255");
    }

    /// <summary>Cancels the search once the trials have used the budget of epochs.</summary>
    private sealed class EpochBudgetMonitor(int budget) : IMonitor, IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private int _epochs;

        public CancellationToken Token => _cts.Token;

        public void ReportRunningTrial(TrialSettings settings) { }

        public void ReportCompletedTrial(TrialResult result)
        {
            _epochs += result.IntermediateValues.Count;
            if (_epochs >= budget) _cts.Cancel();
        }

        public void ReportBestTrial(TrialResult result) { }

        public void Dispose() => _cts.Dispose();
    }

    /// <summary>ML.NET's validation log-loss (binary or multiclass evaluator), minimized.</summary>
    private sealed class ValidationLogLossMetric(bool isBinary) : IMetricManager
    {
        public string MetricName => "LogLoss";

        public bool IsMaximize => false;

        public double Evaluate(MLContext context, IDataView scored) => isBinary
            ? context.BinaryClassification.Evaluate(scored).LogLoss
            : context.MulticlassClassification.Evaluate(scored).LogLoss;
    }
}
