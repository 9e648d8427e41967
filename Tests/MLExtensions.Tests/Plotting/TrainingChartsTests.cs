using System.Buffers.Binary;
using ScottPlot;
using ScottPlot.Plottables;

namespace MLExtensions.Tests.Plotting;

[TestClass]
public sealed class TrainingChartsTests
{
    private static readonly EpochRecord[] History =
    [
        new(1, 0.70, 0.72, 1e-3, 2.0, 0.1),
        new(2, 0.55, 0.60, 8e-4, 1.5, 0.1),
        new(3, 0.45, 0.58, 5e-4, 1.0, 0.1),
        new(4, 0.40, 0.61, 2e-4, 0.8, 0.1),
    ];

    private static (double[] X, double[] Y) Points(Scatter scatter)
    {
        var points = scatter.Data.GetScatterPoints();
        return (points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
    }

    [TestMethod]
    public void TrainingCurves_SeriesEqualTheHistoryAndMarkTheKeptEpoch()
    {
        var plot = TrainingCharts.TrainingCurves(History, bestEpoch: 3);
        var lines = plot.GetPlottables<Scatter>().ToArray();
        Assert.HasCount(2, lines);
        Assert.AreEqual("training", lines[0].LegendText);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3, 4 }, Points(lines[0]).X);
        CollectionAssert.AreEqual(History.Select(h => h.TrainingLoss).ToArray(), Points(lines[0]).Y);
        Assert.AreEqual("validation", lines[1].LegendText);
        CollectionAssert.AreEqual(History.Select(h => h.ValidationLoss!.Value).ToArray(), Points(lines[1]).Y);
        var kept = plot.GetPlottables<VerticalLine>().Single();
        Assert.AreEqual(3.0, kept.X);
        Assert.AreEqual("epoch", plot.Axes.Bottom.Label.Text);
    }

    [TestMethod]
    public void TrainingCurves_WithoutValidation_OnlyTheTrainingLine()
    {
        var history = History.Select(h => h with { ValidationLoss = null }).ToArray();
        var lines = TrainingCharts.TrainingCurves(history).GetPlottables<Scatter>().ToArray();
        Assert.HasCount(1, lines);
        Assert.IsFalse(TrainingCharts.TrainingCurves(history).GetPlottables<VerticalLine>().Any());
    }

    [TestMethod]
    public void LearningRateCurve_IsTheHistorysRates()
    {
        var line = TrainingCharts.LearningRateCurve(History).GetPlottables<Scatter>().Single();
        CollectionAssert.AreEqual(History.Select(h => h.LearningRate).ToArray(), Points(line).Y);
    }

    [TestMethod]
    public void LearningRateSchedule_EvaluatesTheSpecAtEvenlySpacedSteps()
    {
        var schedule = new WarmupSchedule(new CosineSchedule(), 0.1);
        var (steps, rates) = TrainingCharts.ScheduleSeries(schedule, totalSteps: 5000, initialLearningRate: 0.01, maxPoints: 101);
        Assert.HasCount(101, steps);
        Assert.AreEqual(0.0, steps[0]);
        Assert.AreEqual(4999.0, steps[^1]);
        for (int i = 0; i < steps.Length; i++) Assert.AreEqual(0.01 * schedule.Factor((long)steps[i], 5000), rates[i], 1e-15);
        var line = TrainingCharts.LearningRateSchedule(schedule, 5000, 0.01, maxPoints: 101).GetPlottables<Scatter>().Single();
        CollectionAssert.AreEqual(rates, Points(line).Y);
        // Short runs: every step.
        Assert.HasCount(7, TrainingCharts.ScheduleSeries(schedule, 7, 0.01, 1000).Steps);
    }

    [TestMethod]
    public void LearningRateSchedules_OneLinePerSchedule_WithItsRates()
    {
        var schedules = new[] { new NamedSchedule("linear", new LinearDecaySchedule()), new NamedSchedule("one-cycle", new OneCycleSchedule()) };
        var lines = TrainingCharts.LearningRateSchedules(schedules, 200, 0.01, maxPoints: 50).GetPlottables<Scatter>().ToArray();
        Assert.HasCount(2, lines);
        for (int i = 0; i < 2; i++)
        {
            Assert.AreEqual(schedules[i].Name, lines[i].LegendText);
            CollectionAssert.AreEqual(TrainingCharts.ScheduleSeries(schedules[i].Schedule, 200, 0.01, 50).Rates, Points(lines[i]).Y);
        }

        Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.LearningRateSchedules([], 10, 0.01));
        Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.LearningRateSchedules([new NamedSchedule(" ", new ConstantSchedule())], 10, 0.01));
    }

    [TestMethod]
    public void Comparisons_OneLinePerRun()
    {
        var other = History.Select(h => h with { ValidationLoss = h.ValidationLoss + 0.1, LearningRate = 1e-2 }).ToArray();
        var runs = new[] { new NamedHistory("a", History), new NamedHistory("b", other) };
        var loss = TrainingCharts.LossComparison(runs).GetPlottables<Scatter>().ToArray();
        CollectionAssert.AreEqual(new[] { "a", "b" }, loss.Select(l => l.LegendText).ToArray());
        CollectionAssert.AreEqual(other.Select(h => h.ValidationLoss!.Value).ToArray(), Points(loss[1]).Y);
        var training = TrainingCharts.LossComparison(runs, validation: false).GetPlottables<Scatter>().ToArray();
        CollectionAssert.AreEqual(History.Select(h => h.TrainingLoss).ToArray(), Points(training[0]).Y);
        var rates = TrainingCharts.LearningRateComparison(runs).GetPlottables<Scatter>().ToArray();
        CollectionAssert.AreEqual(other.Select(h => h.LearningRate).ToArray(), Points(rates[1]).Y);
    }

    [TestMethod]
    public void MetricVersusStepsKept_LineAndBaselines()
    {
        var plot = TrainingCharts.MetricVersusStepsKept([1, 2, 3], [0.80, 0.83, 0.84], "test AUC",
            [new NamedValue("LightGBM", 0.835), new NamedValue("network", 0.845)]);
        var line = plot.GetPlottables<Scatter>().Single();
        CollectionAssert.AreEqual(new double[] { 1, 2, 3 }, Points(line).X);
        CollectionAssert.AreEqual(new[] { 0.80, 0.83, 0.84 }, Points(line).Y);
        CollectionAssert.AreEqual(new[] { 0.835, 0.845 }, plot.GetPlottables<HorizontalLine>().Select(h => h.Y).ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.MetricVersusStepsKept([1, 2], [0.8], "AUC"));
    }

    [TestMethod]
    public void Leaderboard_BestAtTheTopWithValueLabels()
    {
        var entries = new[] { new NamedValue("FastTree", 0.14), new NamedValue("Stacking", 0.12), new NamedValue("SDCA", 0.2) };
        var bars = TrainingCharts.Leaderboard(entries, "RMSE").GetPlottables<BarPlot>().Single().Bars
            .OrderByDescending(b => b.Position).ToArray();
        CollectionAssert.AreEqual(new[] { 0.12, 0.14, 0.2 }, bars.Select(b => b.Value).ToArray());
        CollectionAssert.AreEqual(new[] { "0.1200", "0.1400", "0.2000" }, bars.Select(b => b.Label).ToArray());
        var higher = TrainingCharts.RankLeaderboard(entries, lowerIsBetter: false);
        CollectionAssert.AreEqual(new[] { "SDCA", "FastTree", "Stacking" }, higher.Select(e => e.Name).ToArray());
        var ex = Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.Leaderboard([new NamedValue("x", double.NaN)], "RMSE"));
        StringAssert.Contains(ex.Message, "'x'");
    }

    [TestMethod]
    public void SavePngAndSvg_WriteImagesOfTheRequestedSize()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"charts-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var plot = TrainingCharts.TrainingCurves(History, 3);
            string png = Path.Combine(dir, "curves.png");
            plot.SavePng(png, 640, 400);
            Assert.AreEqual((640, 400), PngSize(png));
            string svg = plot.GetSvgXml(640, 400);
            StringAssert.Contains(svg, "width=\"640\"");
            StringAssert.Contains(svg, "validation");

            string both = Path.Combine(dir, "both.png");
            TrainingCharts.SavePngSideBySide(both, 500, 300, plot, TrainingCharts.LearningRateCurve(History));
            Assert.AreEqual((1000, 300), PngSize(both));
            Assert.IsTrue(new FileInfo(both).Length > 5000);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void SavePngSideBySide_DrawsEveryPanel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"side-by-side-{Guid.NewGuid():N}.png");
        try
        {
            TrainingCharts.SavePngSideBySide(path, 400, 300, TrainingCharts.TrainingCurves(History), TrainingCharts.LearningRateCurve(History));
            using var bitmap = SkiaSharp.SKBitmap.Decode(path);
            int Inked(int from, int to)
            {
                int count = 0;
                for (int x = from; x < to; x++)
                    for (int y = 0; y < bitmap.Height; y++)
                    {
                        var c = bitmap.GetPixel(x, y);
                        if (c.Alpha > 0 && (c.Red < 200 || c.Green < 200 || c.Blue < 200)) count++;
                    }
                return count;
            }
            Assert.IsTrue(Inked(0, 400) > 2000, $"left panel has {Inked(0, 400)} inked pixels");
            Assert.IsTrue(Inked(400, 800) > 2000, $"right panel has {Inked(400, 800)} inked pixels");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void BadInput_ThrowsNamingTheArgument()
    {
        Assert.AreEqual("history", Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.TrainingCurves([])).ParamName);
        Assert.AreEqual("runs", Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.LossComparison([new NamedHistory("empty", [])])).ParamName);
        Assert.AreEqual("initialLearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            TrainingCharts.LearningRateSchedule(new ConstantSchedule(), 10, 0)).ParamName);
        Assert.AreEqual("width", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            TrainingCharts.SavePngSideBySide("x.png", 10, 300, TrainingCharts.LearningRateCurve(History))).ParamName);
    }

    /// <summary>Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian).</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    [TestMethod]
    public void TrialHistory_PointsAreTheFiniteMetricsAndTheLineTheRunningBest()
    {
        double[] metric = [0.80, double.NaN, 0.78, 0.84, 0.83, double.NaN, 0.86];
        var plot = TrainingCharts.TrialHistory(metric, "validation AUC");
        var scatters = plot.GetPlottables<Scatter>().ToArray();
        Assert.HasCount(2, scatters);
        CollectionAssert.AreEqual(new double[] { 1, 3, 4, 5, 7 }, Points(scatters[0]).X);
        CollectionAssert.AreEqual(new[] { 0.80, 0.78, 0.84, 0.83, 0.86 }, Points(scatters[0]).Y);
        Assert.AreEqual("best so far", scatters[1].LegendText);
        CollectionAssert.AreEqual(new[] { 0.80, 0.80, 0.84, 0.84, 0.86 }, Points(scatters[1]).Y);
        StringAssert.Contains(plot.Axes.Bottom.Label.Text, "2 without a metric");
    }

    [TestMethod]
    public void TrialHistory_Minimizing_TheBestIsTheRunningMinimum()
    {
        var (_, _, best) = TrainingCharts.BestSoFar([0.7, 0.6, 0.65, 0.5], higherIsBetter: false);
        CollectionAssert.AreEqual(new[] { 0.7, 0.6, 0.6, 0.5 }, best);
        var e = Assert.ThrowsExactly<ArgumentException>(() => TrainingCharts.TrialHistory([double.NaN], "loss"));
        Assert.AreEqual("metric", e.ParamName);
    }
}
