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
/// on a fixed subset of the test images. Writes the trade-off PNG and a markdown table to <c>--output</c>.
/// </summary>
internal static class RobustnessBenchmark
{
    private const double Epsilon = 0.1;

    public static int Run(string[] args)
    {
        string data = BenchmarkSupport.Option(args, "--data") ?? BenchmarkSupport.SharedData("fashion-mnist");
        int rows = Int(args, "--rows", 4000);
        int epochs = Int(args, "--epochs", 4);
        int mixerEpochs = Int(args, "--mixer-epochs", 2);
        int sweepSteps = Int(args, "--alpha-steps", 5);
        int testRows = Int(args, "--test-rows", 1000);
        int threads = Int(args, "--threads", 2);
        string output = BenchmarkSupport.Option(args, "--output")
            ?? Path.Combine(BenchmarkSupport.RepositoryRoot(), "Benchmarks", "MLExtensions.Benchmarks", "Robustness", "results");
        Directory.CreateDirectory(output);

        var ml = new MLContext(1);
        var trainAll = FashionMnistData.Load(data, train: true);
        var testAll = FashionMnistData.Load(data, train: false);
        var train = Subset(trainAll, rows).ToDataView(ml);
        var test = Subset(testAll, testRows).ToDataView(ml);
        Console.WriteLine($"Fashion-MNIST: {rows} training images (the first), {testRows} test images (the first); eps = {Epsilon}; {threads} threads.");

        var box = InputBox.Uniform(0, 1);
        NeuralNetworkMulticlassTrainer.Options Base(int seed) => new()
        {
            HiddenLayerSizes = [128], Epochs = epochs, BatchSize = 128, Seed = seed, NumberOfThreads = threads,
            Optimizer = new AdamWSpec(LearningRate: 1e-3),
        };
        var clock = Stopwatch.StartNew();
        using var standard = ml.MulticlassClassification.Trainers.NeuralNetwork(Base(1)).Fit(train);
        double standardSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"standard MLP trained in {standardSeconds:0.0} s");

        var robustOptions = Base(2);
        robustOptions.AdversarialTraining = new AdversarialTrainingOptions { Epsilon = Epsilon, Iterations = 3, InputBox = box };
        clock.Restart();
        using var robust = ml.MulticlassClassification.Trainers.NeuralNetwork(robustOptions).Fit(train);
        double robustSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"PGD-AT MLP trained in {robustSeconds:0.0} s");

        var options = new AdaptiveSmoothingTrainer.Options
        {
            StandardModel = standard, RobustModel = robust, Epochs = mixerEpochs, BatchSize = 128, LearningRate = 1e-2, Seed = 3,
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
        Console.WriteLine("attacks: " + string.Join(", ", attacks.Select(a => a.Name)));

        var results = new List<(string Name, RobustnessMetrics Metrics, double Seconds, double PredictSeconds)>();
        void Measure(string name, ITransformer model)
        {
            var predict = Stopwatch.StartNew();
            ml.MulticlassClassification.Evaluate(model.Transform(test));
            double predictSeconds = predict.Elapsed.TotalSeconds;
            var c = Stopwatch.StartNew();
            var m = ml.MulticlassClassification.EvaluateUnderAttack(test, model, attacks, seed: 7, batchSize: 500);
            results.Add((name, m, c.Elapsed.TotalSeconds, predictSeconds));
            Console.WriteLine(FormattableString.Invariant(
                $"{name,-12} clean {m.CleanAccuracy:0.000} robust {m.WorstCaseAccuracy:0.000} ({string.Join(", ", m.Attacks.Select(a => $"{a.AttackName} {a.Accuracy:0.000}"))}) [{c.Elapsed.TotalSeconds:0} s]"));
        }

        // α = 0 and α = 1 are the standard and the PGD-AT model exactly (AdaptiveSmoothingMixtureTests), so they are not run twice.
        var sweep = new List<TradeOffPoint>();
        for (int i = 0; i <= sweepSteps; i++)
        {
            double alpha = (double)i / sweepSteps;
            using var constant = adaptive.WithConstantAlpha(alpha);
            Measure(i == 0 ? "α=0 (standard)" : i == sweepSteps ? "α=1 (PGD-AT)" : FormattableString.Invariant($"α={alpha:0.0#}"), constant);
            var m = results[^1].Metrics;
            sweep.Add(new TradeOffPoint(FormattableString.Invariant($"α={alpha:0.0#}"), m.CleanAccuracy, m.WorstCaseAccuracy));
        }
        Measure("adaptive", adaptive);
        var adaptiveMetrics = results[^1].Metrics;
        var alphas = adaptive.GetAlphas(test);
        Console.WriteLine(FormattableString.Invariant($"adaptive: mean alpha on clean test images {alphas.Average():0.000}"));

        // Above the curve: more robust than the constant-α curve (linearly interpolated) at the adaptive point's clean accuracy.
        double curveRobust = Interpolate(sweep, adaptiveMetrics.CleanAccuracy);
        string verdict = double.IsNaN(curveRobust)
            ? "the adaptive point's clean accuracy lies outside the constant-α curve's range"
            : FormattableString.Invariant($"at the adaptive point's clean accuracy {adaptiveMetrics.CleanAccuracy:0.000} the constant-α curve reaches robust accuracy {curveRobust:0.000}; the adaptive mixture has {adaptiveMetrics.WorstCaseAccuracy:0.000} ({(adaptiveMetrics.WorstCaseAccuracy > curveRobust ? "above" : "not above")} the curve)");
        Console.WriteLine(verdict);

        var plot = TrainingCharts.TradeOffCurve(sweep,
            [new TradeOffPoint("adaptive", adaptiveMetrics.CleanAccuracy, adaptiveMetrics.WorstCaseAccuracy)],
            title: FormattableString.Invariant($"Fashion-MNIST, L∞ ε = {Epsilon}, {testRows} test images"));
        string png = Path.Combine(output, "tradeoff.png");
        plot.SavePng(png, 800, 600);

        var md = new StringBuilder();
        md.AppendLine(FormattableString.Invariant($"Fashion-MNIST, {rows} training images, {testRows} test images (the first of each split), ℓ∞ ε = {Epsilon} in [0, 1] pixels."));
        md.AppendLine(FormattableString.Invariant($"Base MLPs [128], {epochs} epochs, AdamW 1e-3; PGD-AT with PGD-3 (step 2.5·ε/3); mixing network {mixerEpochs} epochs, batch 128, AdamW 1e-2 (PGD-5 training adversary through the composite, ε ~ U(0.4, 1.1)·0.1 per batch)."));
        md.AppendLine("Robust accuracy = per-image worst case of " + string.Join(", ", attacks.Select(a => a.Name)) + ", all against the full model (for the mixtures: the composite, α included).");
        md.AppendLine(FormattableString.Invariant($"Training: standard {standardSeconds:0} s, PGD-AT {robustSeconds:0} s, mixing network {mixerSeconds:0} s."));
        md.AppendLine();
        md.AppendLine("| model | clean | robust (worst case) | " + string.Join(" | ", attacks.Select(a => a.Name)) + " | predict (s) | attacks (s) |");
        md.AppendLine("| --- | --- | --- | " + string.Join(" | ", attacks.Select(_ => "---")) + " | --- | --- |");
        foreach (var (name, m, seconds, predictSeconds) in results)
            md.AppendLine(FormattableString.Invariant(
                $"| {name} | {m.CleanAccuracy:0.000} | {m.WorstCaseAccuracy:0.000} | {string.Join(" | ", m.Attacks.Select(a => a.Accuracy.ToString("0.000", CultureInfo.InvariantCulture)))} | {predictSeconds:0.00} | {seconds:0} |"));
        md.AppendLine();
        md.AppendLine(FormattableString.Invariant($"Mean α of the adaptive mixture on the clean test images: {alphas.Average():0.000}."));
        md.AppendLine();
        md.AppendLine("Verdict: " + verdict + ".");
        File.WriteAllText(Path.Combine(output, "results.md"), md.ToString());
        Console.WriteLine($"wrote {png} and {Path.Combine(output, "results.md")}");
        return 0;
    }

    private static double Interpolate(List<TradeOffPoint> curve, double clean)
    {
        var sorted = curve.OrderBy(p => p.CleanAccuracy).ToList();
        for (int i = 0; i + 1 < sorted.Count; i++)
        {
            var (a, b) = (sorted[i], sorted[i + 1]);
            if (clean >= a.CleanAccuracy && clean <= b.CleanAccuracy)
                return b.CleanAccuracy == a.CleanAccuracy
                    ? Math.Max(a.RobustAccuracy, b.RobustAccuracy)
                    : a.RobustAccuracy + (b.RobustAccuracy - a.RobustAccuracy) * (clean - a.CleanAccuracy) / (b.CleanAccuracy - a.CleanAccuracy);
        }
        return double.NaN;
    }

    private static FashionMnistData Subset(FashionMnistData data, int count)
    {
        if (count < 1 || count > data.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The row count must be in [1, {data.Count}].");
        return new FashionMnistData(data.Pixels.AsSpan(0, count * FashionMnistData.PixelCount).ToArray(), data.Labels.AsSpan(0, count).ToArray(), count);
    }

    private static int Int(string[] args, string name, int fallback)
    {
        string? text = BenchmarkSupport.Option(args, name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new ArgumentException($"{name} must be a positive integer; got '{text}'.", name);
        return value;
    }
}
