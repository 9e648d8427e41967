using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using MLExtensions.Benchmarks.FashionMnist;

namespace MLExtensions.Benchmarks.Robustness;

/// <summary>
/// Adaptive smoothing on Fashion-MNIST (ALGORITHMS.md C.5, issue #12): a standard MLP and a PGD-AT MLP (our trainers), the
/// constant-α sweep between them and the trained adaptive mixture; clean accuracy and robust accuracy at ε = 0.1 ([0, 1] pixels),
/// robust = the per-row worst case of PGD-20 with restarts, APGD-CE and APGD-T, all run against the full composite (α included),
/// on a subset of the test images. Each seed (<c>--seeds N --first-seed S</c>) draws its own training images, takes its own block of
/// test images and trains all three networks from its own seeds, and writes <c>seed-S.csv</c> and <c>seed-S.md</c> to <c>--output</c>;
/// then every <c>seed-*.csv</c> there of the same configuration is summarized (means ± standard errors over seeds, and each seed's
/// margin over the constant-α curve) into <c>results.md</c> and <c>tradeoff.png</c>. <c>--summarize</c> only summarizes (for seeds
/// run in separate processes).
/// </summary>
internal static class RobustnessBenchmark
{
    private const double Epsilon = 0.1;
    private const string AdaptiveName = "adaptive";

    /// <summary>One model's result on one seed: its name, α (NaN for the adaptive mixture), clean, worst-case and per-attack accuracy.</summary>
    private sealed record Row(string Name, double Alpha, double Clean, double Robust, double[] PerAttack, double Seconds);

    private sealed record SeedResult(int Seed, string Config, string[] AttackNames, List<Row> Rows, double MeanAlpha,
                                     double StandardSeconds, double RobustSeconds, double MixerSeconds)
    {
        public IEnumerable<Row> Curve => Rows.Where(r => r.Name != AdaptiveName);
        public Row Adaptive => Rows.Single(r => r.Name == AdaptiveName);
    }

    public static int Run(string[] args)
    {
        string data = BenchmarkSupport.Option(args, "--data") ?? BenchmarkSupport.SharedData("fashion-mnist");
        int rows = Int(args, "--rows", 4000);
        int epochs = Int(args, "--epochs", 4);
        int mixerEpochs = Int(args, "--mixer-epochs", 10);
        int sweepSteps = Int(args, "--alpha-steps", 10);
        int testRows = Int(args, "--test-rows", 1000);
        int threads = Int(args, "--threads", 2);
        int seeds = Int(args, "--seeds", 1);
        int firstSeed = Int(args, "--first-seed", 1);
        string output = BenchmarkSupport.Option(args, "--output")
            ?? Path.Combine(BenchmarkSupport.RepositoryRoot(), "Benchmarks", "MLExtensions.Benchmarks", "Robustness", "results");
        Directory.CreateDirectory(output);
        string config = FormattableString.Invariant(
            $"rows={rows} epochs={epochs} mixer-epochs={mixerEpochs} alpha-steps={sweepSteps} test-rows={testRows} eps={Epsilon}");

        if (!args.Contains("--summarize"))
        {
            var trainAll = FashionMnistData.Load(data, train: true);
            var testAll = FashionMnistData.Load(data, train: false);
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
            {
                var result = RunSeed(trainAll, testAll, seed, rows, epochs, mixerEpochs, sweepSteps, testRows, threads, config);
                WriteSeed(output, result);
            }
        }
        Summarize(output, config, rows, epochs, mixerEpochs, testRows);
        return 0;
    }

    private static SeedResult RunSeed(FashionMnistData trainAll, FashionMnistData testAll, int seed, int rows, int epochs, int mixerEpochs,
                                      int sweepSteps, int testRows, int threads, string config)
    {
        var ml = new MLContext(seed);
        if ((long)seed * testRows > testAll.Count)
            throw new ArgumentOutOfRangeException("--first-seed", seed,
                $"Seed {seed} takes test images [{(seed - 1) * testRows}, {seed * testRows}), beyond the {testAll.Count} test images; lower --test-rows or the seed.");
        var train = Sample(trainAll, rows, seed).ToDataView(ml);
        var test = Block(testAll, (seed - 1) * testRows, testRows).ToDataView(ml);
        Console.WriteLine($"seed {seed}: {rows} training images (a random sample), test images [{(seed - 1) * testRows}, {seed * testRows}); eps = {Epsilon}; {threads} threads.");

        var box = InputBox.Uniform(0, 1);
        NeuralNetworkMulticlassTrainer.Options Base(int networkSeed) => new()
        {
            HiddenLayerSizes = [128], Epochs = epochs, BatchSize = 128, Seed = networkSeed, NumberOfThreads = threads,
            Optimizer = new AdamWSpec(LearningRate: 1e-3),
        };
        var clock = Stopwatch.StartNew();
        using var standard = ml.MulticlassClassification.Trainers.NeuralNetwork(Base(100 * seed + 1)).Fit(train);
        double standardSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"standard MLP trained in {standardSeconds:0.0} s");

        var robustOptions = Base(100 * seed + 2);
        robustOptions.AdversarialTraining = new AdversarialTrainingOptions { Epsilon = Epsilon, Iterations = 3, InputBox = box };
        clock.Restart();
        using var robust = ml.MulticlassClassification.Trainers.NeuralNetwork(robustOptions).Fit(train);
        double robustSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"PGD-AT MLP trained in {robustSeconds:0.0} s");

        var options = new AdaptiveSmoothingTrainer.Options
        {
            StandardModel = standard, RobustModel = robust, Epochs = mixerEpochs, BatchSize = 128, LearningRate = 1e-2, Seed = 100 * seed + 3,
            NumberOfThreads = threads,
        };
        options.Attack.Epsilon = Epsilon;
        options.Attack.Iterations = 5;
        options.Attack.InputBox = box;
        clock.Restart();
        using var adaptive = ml.MulticlassClassification.Trainers.AdaptiveSmoothing(options).Fit(train);
        double mixerSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"mixing network trained in {mixerSeconds:0.0} s; loss per epoch: " +
            string.Join(", ", adaptive.Model.History.Select(h => h.TrainingLoss.ToString("0.000", CultureInfo.InvariantCulture))));

        var attacks = new AdversarialAttack[]
        {
            new PgdAttack(new PgdAttack.Options { Epsilon = Epsilon, Iterations = 20, Restarts = 2, InputBox = box }),
            new ApgdAttack(new ApgdAttack.Options { Epsilon = Epsilon, Iterations = 20, Loss = ApgdLoss.CrossEntropy, InputBox = box }),
            new ApgdAttack(new ApgdAttack.Options { Epsilon = Epsilon, Iterations = 20, Loss = ApgdLoss.TargetedDlr, TargetCount = 3, InputBox = box }),
        };

        var results = new List<Row>();
        void Measure(string name, double alpha, ITransformer model)
        {
            var c = Stopwatch.StartNew();
            var m = ml.MulticlassClassification.EvaluateUnderAttack(test, model, attacks, seed: 7 + 100 * seed, batchSize: 500);
            results.Add(new Row(name, alpha, m.CleanAccuracy, m.WorstCaseAccuracy, m.Attacks.Select(a => a.Accuracy).ToArray(), c.Elapsed.TotalSeconds));
            Console.WriteLine(FormattableString.Invariant(
                $"{name,-16} clean {m.CleanAccuracy:0.000} robust {m.WorstCaseAccuracy:0.000} ({string.Join(", ", m.Attacks.Select(a => $"{a.AttackName} {a.Accuracy:0.000}"))}) [{c.Elapsed.TotalSeconds:0} s]"));
        }

        // α = 0 and α = 1 are the standard and the PGD-AT model exactly (AdaptiveSmoothingMixtureTests), so they are not run twice.
        for (int i = 0; i <= sweepSteps; i++)
        {
            double alpha = (double)i / sweepSteps;
            using var constant = adaptive.WithConstantAlpha(alpha);
            Measure(i == 0 ? "α=0 (standard)" : i == sweepSteps ? "α=1 (PGD-AT)" : FormattableString.Invariant($"α={alpha:0.0#}"), alpha, constant);
        }
        Measure(AdaptiveName, double.NaN, adaptive);
        double meanAlpha = adaptive.GetAlphas(test).Average();
        var result = new SeedResult(seed, config, attacks.Select(a => a.Name).ToArray(), results, meanAlpha, standardSeconds, robustSeconds, mixerSeconds);
        var (robustMargin, cleanMargin) = Margins(result);
        Console.WriteLine(FormattableString.Invariant(
            $"seed {seed}: mean alpha on clean test images {meanAlpha:0.000}; adaptive minus the curve: robust {Signed(robustMargin)} at equal clean, clean {Signed(cleanMargin)} at equal robust"));
        return result;
    }

    /// <summary>The adaptive point against the constant-α curve of the same seed: robust accuracy above the curve at the adaptive
    /// point's clean accuracy, and clean accuracy beyond it at the adaptive point's robust accuracy (NaN outside the curve's range).</summary>
    private static (double Robust, double Clean) Margins(SeedResult r)
    {
        var a = r.Adaptive;
        var curve = r.Curve.ToList();
        double robustOnCurve = Interpolate(curve.Select(p => (p.Clean, p.Robust)), a.Clean);
        double cleanOnCurve = Interpolate(curve.Select(p => (p.Robust, p.Clean)), a.Robust);
        return (a.Robust - robustOnCurve, a.Clean - cleanOnCurve);
    }

    private static void WriteSeed(string output, SeedResult r)
    {
        var csv = new StringBuilder();
        csv.AppendLine("# " + r.Config);
        csv.AppendLine(FormattableString.Invariant(
            $"# seed={r.Seed} mean-alpha={r.MeanAlpha:R} standard-s={r.StandardSeconds:0.0} robust-s={r.RobustSeconds:0.0} mixer-s={r.MixerSeconds:0.0}"));
        csv.AppendLine("model;alpha;clean;robust;" + string.Join(";", r.AttackNames) + ";attack-s");
        foreach (var row in r.Rows)
            csv.AppendLine(FormattableString.Invariant(
                $"{row.Name};{row.Alpha:R};{row.Clean:R};{row.Robust:R};{string.Join(";", row.PerAttack.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))};{row.Seconds:0}"));
        File.WriteAllText(Path.Combine(output, $"seed-{r.Seed}.csv"), csv.ToString());

        var md = new StringBuilder();
        md.AppendLine(FormattableString.Invariant($"Seed {r.Seed} ({r.Config}); training: standard {r.StandardSeconds:0} s, PGD-AT {r.RobustSeconds:0} s, mixing network {r.MixerSeconds:0} s."));
        md.AppendLine();
        md.AppendLine("| model | clean | robust (worst case) | " + string.Join(" | ", r.AttackNames) + " | attacks (s) |");
        md.AppendLine("| --- | --- | --- | " + string.Join(" | ", r.AttackNames.Select(_ => "---")) + " | --- |");
        foreach (var row in r.Rows)
            md.AppendLine(FormattableString.Invariant(
                $"| {row.Name} | {row.Clean:0.000} | {row.Robust:0.000} | {string.Join(" | ", row.PerAttack.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)))} | {row.Seconds:0} |"));
        var (robustMargin, cleanMargin) = Margins(r);
        md.AppendLine();
        md.AppendLine(FormattableString.Invariant(
            $"Mean α on the clean test images {r.MeanAlpha:0.000}. Adaptive minus the constant-α curve: robust {Signed(robustMargin)} at equal clean accuracy, clean {Signed(cleanMargin)} at equal robust accuracy."));
        File.WriteAllText(Path.Combine(output, $"seed-{r.Seed}.md"), md.ToString());
    }

    private static SeedResult ReadSeed(string path)
    {
        var lines = File.ReadAllLines(path);
        string config = lines[0][2..];
        var meta = lines[1][2..].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);
        var header = lines[2].Split(';');
        var attackNames = header[4..^1];
        var rows = lines.Skip(3).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split(';');
            return new Row(f[0], D(f[1]), D(f[2]), D(f[3]), f[4..^1].Select(D).ToArray(), D(f[^1]));
        }).ToList();
        return new SeedResult(int.Parse(meta["seed"], CultureInfo.InvariantCulture), config, attackNames, rows, D(meta["mean-alpha"]),
            D(meta["standard-s"]), D(meta["robust-s"]), D(meta["mixer-s"]));
    }

    private static void Summarize(string output, string config, int rows, int epochs, int mixerEpochs, int testRows)
    {
        var all = Directory.GetFiles(output, "seed-*.csv").Select(ReadSeed).OrderBy(r => r.Seed).ToList();
        var results = all.Where(r => r.Config == config).ToList();
        if (results.Count == 0)
        {
            Console.WriteLine($"No seed-*.csv in {output} with the configuration '{config}'" +
                (all.Count > 0 ? $" (found: {string.Join(", ", all.Select(r => $"seed {r.Seed}: '{r.Config}'").Distinct())})." : "."));
            return;
        }
        if (all.Count > results.Count)
            Console.WriteLine($"Skipped {all.Count - results.Count} seed file(s) of another configuration.");
        int n = results.Count;
        var names = results[0].Rows.Select(r => r.Name).ToArray();
        var attackNames = results[0].AttackNames;
        if (results.Any(r => !r.Rows.Select(x => x.Name).SequenceEqual(names)))
            throw new InvalidDataException($"The seed files in {output} list different models; rerun them with the same options.");

        static (double Mean, double StandardError) Stats(IReadOnlyList<double> v)
        {
            double mean = v.Average();
            if (v.Count < 2) return (mean, double.NaN);
            double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
            return (mean, sd / Math.Sqrt(v.Count));
        }
        static string Pm((double Mean, double StandardError) s) =>
            double.IsNaN(s.StandardError) ? s.Mean.ToString("0.000", CultureInfo.InvariantCulture)
                                          : FormattableString.Invariant($"{s.Mean:0.000} ± {s.StandardError:0.000}");

        var md = new StringBuilder();
        md.AppendLine(FormattableString.Invariant($"Fashion-MNIST, ℓ∞ ε = {Epsilon} in [0, 1] pixels; {n} seed(s): {string.Join(", ", results.Select(r => r.Seed))}. ") +
            FormattableString.Invariant($"Each seed: {rows} training images drawn at random from the 60,000, its own block of {testRows} test images, its own network seeds."));
        md.AppendLine(FormattableString.Invariant($"Base MLPs [128], {epochs} epochs, AdamW 1e-3; PGD-AT with PGD-3 (step 2.5·ε/3); mixing network {mixerEpochs} epochs, batch 128, AdamW 1e-2 (PGD-5 training adversary through the composite, ε ~ U(0.4, 1.1)·0.1 per image)."));
        md.AppendLine("Robust accuracy = per-image worst case of " + string.Join(", ", attackNames) + ", all against the full model (for the mixtures: the composite, α included).");
        md.AppendLine("Mean ± standard error over the seeds.");
        md.AppendLine();
        md.AppendLine("| model | clean | robust (worst case) | " + string.Join(" | ", attackNames) + " |");
        md.AppendLine("| --- | --- | --- | " + string.Join(" | ", attackNames.Select(_ => "---")) + " |");
        var curve = new List<TradeOffPoint>();
        TradeOffPoint? adaptivePoint = null;
        foreach (var name in names)
        {
            var rowsOf = results.Select(r => r.Rows.Single(x => x.Name == name)).ToList();
            var clean = Stats(rowsOf.Select(x => x.Clean).ToList());
            var robust = Stats(rowsOf.Select(x => x.Robust).ToList());
            var perAttack = Enumerable.Range(0, attackNames.Length).Select(k => Pm(Stats(rowsOf.Select(x => x.PerAttack[k]).ToList())));
            string label = name == AdaptiveName ? $"**{name}**" : name;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Pm(clean)} | {Pm(robust)} | {string.Join(" | ", perAttack)} |");
            if (name == AdaptiveName) adaptivePoint = new TradeOffPoint(n > 1 ? $"adaptive (mean of {n})" : "adaptive", clean.Mean, robust.Mean);
            else curve.Add(new TradeOffPoint(rowsOf[0].Alpha.ToString("α=0.0#", CultureInfo.InvariantCulture), clean.Mean, robust.Mean));
        }
        md.AppendLine();
        md.AppendLine("Per seed, the adaptive point against that seed's constant-α curve (linear interpolation between its α points):");
        md.AppendLine();
        md.AppendLine("| seed | adaptive clean | adaptive robust | curve's robust at that clean | robust margin | curve's clean at that robust | clean margin | mean α (clean test images) |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var robustMargins = new List<double>();
        var cleanMargins = new List<double>();
        foreach (var r in results)
        {
            var (rm, cm) = Margins(r);
            var a = r.Adaptive;
            md.AppendLine(FormattableString.Invariant(
                $"| {r.Seed} | {a.Clean:0.000} | {a.Robust:0.000} | {a.Robust - rm:0.000} | {Signed(rm)} | {a.Clean - cm:0.000} | {Signed(cm)} | {r.MeanAlpha:0.000} |"));
            if (!double.IsNaN(rm)) robustMargins.Add(rm);
            if (!double.IsNaN(cm)) cleanMargins.Add(cm);
        }
        md.AppendLine();
        string verdict = robustMargins.Count == 0
            ? "the adaptive point's clean accuracy lies outside the constant-α curve's range on every seed"
            : Verdict(robustMargins, "robust accuracy at equal clean accuracy") + "; " + (cleanMargins.Count == 0 ? "no seed's adaptive robust accuracy is inside the curve's range" : Verdict(cleanMargins, "clean accuracy at equal robust accuracy"));
        md.AppendLine("Verdict: " + verdict + ".");
        md.AppendLine();
        md.AppendLine(FormattableString.Invariant(
            $"Training per seed (median): standard {BenchmarkSupport.Median(results.Select(r => r.StandardSeconds)):0} s, PGD-AT {BenchmarkSupport.Median(results.Select(r => r.RobustSeconds)):0} s, mixing network {BenchmarkSupport.Median(results.Select(r => r.MixerSeconds)):0} s (wall clock)."));
        File.WriteAllText(Path.Combine(output, "results.md"), md.ToString());
        Console.WriteLine(md.ToString());

        var plot = TrainingCharts.TradeOffCurve(curve, adaptivePoint is { } point ? new[] { point } : null,
            title: FormattableString.Invariant($"Fashion-MNIST, L-inf eps = {Epsilon}: means of {n} seed(s)"));
        string png = Path.Combine(output, "tradeoff.png");
        plot.SavePng(png, 800, 600);
        Console.WriteLine($"wrote {png} and {Path.Combine(output, "results.md")}");

        static string Verdict(List<double> margins, string what)
        {
            var (mean, se) = Stats(margins);
            int above = margins.Count(m => m > 0);
            return FormattableString.Invariant(
                $"the adaptive mixture's {what} is {Signed(mean)}{(double.IsNaN(se) ? "" : $" ± {se:0.000} (t = {mean / se:0.0})")} against the constant-α curve, above it on {above} of {margins.Count} seed(s)");
        }
    }

    /// <summary>A difference with its sign, three decimals ("0.000" when it rounds to zero); NaN as "n/a".</summary>
    private static string Signed(double value) =>
        double.IsNaN(value) ? "n/a" : Math.Round(value, 3) == 0 ? "0.000" : value.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);

    /// <summary>The curve's y at <paramref name="x"/>, linear between the points sorted by x; NaN outside their range.</summary>
    private static double Interpolate(IEnumerable<(double X, double Y)> points, double x)
    {
        var sorted = points.OrderBy(p => p.X).ToList();
        for (int i = 0; i + 1 < sorted.Count; i++)
        {
            var (a, b) = (sorted[i], sorted[i + 1]);
            if (x >= a.X && x <= b.X)
                return b.X == a.X ? Math.Max(a.Y, b.Y) : a.Y + (b.Y - a.Y) * (x - a.X) / (b.X - a.X);
        }
        return double.NaN;
    }

    /// <summary><paramref name="count"/> images drawn without replacement by a generator seeded with <paramref name="seed"/>.</summary>
    private static FashionMnistData Sample(FashionMnistData data, int count, int seed)
    {
        if (count < 1 || count > data.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The row count must be in [1, {data.Count}].");
        var order = Enumerable.Range(0, data.Count).ToArray();
        new Random(seed).Shuffle(order);
        var pixels = new float[count * FashionMnistData.PixelCount];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            Array.Copy(data.Pixels, (long)order[i] * FashionMnistData.PixelCount, pixels, (long)i * FashionMnistData.PixelCount, FashionMnistData.PixelCount);
            labels[i] = data.Labels[order[i]];
        }
        return new FashionMnistData(pixels, labels, count);
    }

    private static FashionMnistData Block(FashionMnistData data, int start, int count) =>
        new(data.Pixels.AsSpan(start * FashionMnistData.PixelCount, count * FashionMnistData.PixelCount).ToArray(),
            data.Labels.AsSpan(start, count).ToArray(), count);

    private static int Int(string[] args, string name, int fallback)
    {
        string? text = BenchmarkSupport.Option(args, name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new ArgumentException($"{name} must be a positive integer; got '{text}'.", name);
        return value;
    }
}
