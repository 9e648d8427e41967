using System.Globalization;
using ScottPlot;

namespace MLExtensions;

/// <summary>
/// Ready charts of MLExtensions results, as ScottPlot <see cref="Plot"/>s: training and validation curves, learning-rate curves
/// (from a history or from a schedule spec), an optimizer comparison, a GBNN metric against the boosting steps kept, and a
/// leaderboard. Save one with <c>plot.SavePng(path, width, height)</c> or <c>plot.SaveSvg(...)</c> (both work headless on
/// Linux), show it in a notebook from <c>plot.GetSvgXml(width, height)</c>, or restyle it with ScottPlot's API first.
/// </summary>
public static class TrainingCharts
{
    /// <summary>Training loss (and validation loss when measured) per epoch, with the epoch whose weights were kept marked.</summary>
    /// <param name="history">The epochs, e.g. <c>model.Model.History</c>.</param>
    /// <param name="bestEpoch">The kept epoch to mark (e.g. <c>model.Model.BestEpoch</c>), or <c>null</c> for no mark.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">The history is empty.</exception>
    public static Plot TrainingCurves(IReadOnlyList<EpochRecord> history, int? bestEpoch = null, string title = "Training and validation loss")
    {
        CheckHistory(history, nameof(history));
        var plot = NewPlot(title, "epoch", "loss (mean per row)");
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        AddLine(plot, epochs, history.Select(h => h.TrainingLoss).ToArray(), "training", Colors.C0);
        if (history.Any(h => h.ValidationLoss is not null))
        {
            var measured = history.Where(h => h.ValidationLoss is not null).ToArray();
            AddLine(plot, measured.Select(h => (double)h.Epoch).ToArray(), measured.Select(h => h.ValidationLoss!.Value).ToArray(), "validation", Colors.C1);
        }

        if (bestEpoch is { } best)
        {
            var line = plot.Add.VerticalLine(best, 1.5f, Colors.Gray, LinePattern.Dashed);
            line.LegendText = $"kept: epoch {best.ToString(CultureInfo.InvariantCulture)}";
        }

        return Finish(plot);
    }

    /// <summary>The learning rate at the end of each epoch, as the training loop applied it.</summary>
    /// <param name="history">The epochs, e.g. <c>model.Model.History</c>.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">The history is empty.</exception>
    public static Plot LearningRateCurve(IReadOnlyList<EpochRecord> history, string title = "Learning rate per epoch")
    {
        CheckHistory(history, nameof(history));
        var plot = NewPlot(title, "epoch", "learning rate");
        AddLine(plot, history.Select(h => (double)h.Epoch).ToArray(), history.Select(h => h.LearningRate).ToArray(), "learning rate", Colors.C2);
        return Finish(plot, legend: false);
    }

    /// <summary>The learning rate a schedule gives at every optimizer step of a run (at most <paramref name="maxPoints"/> steps, evenly
    /// spaced, first and last included): <paramref name="initialLearningRate"/> × <see cref="LearningRateScheduleSpec.Factor"/>.</summary>
    /// <param name="schedule">The schedule spec.</param>
    /// <param name="totalSteps">Optimizer steps of the run: epochs × batches per epoch.</param>
    /// <param name="initialLearningRate">The optimizer's learning rate.</param>
    /// <param name="title">The chart's title; <c>null</c> names the schedule.</param>
    /// <param name="maxPoints">Most steps evaluated. At least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or the learning rate is out of range.</exception>
    public static Plot LearningRateSchedule(LearningRateScheduleSpec schedule, long totalSteps, double initialLearningRate, string? title = null,
                                            int maxPoints = 1000)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        var (steps, rates) = ScheduleSeries(schedule, totalSteps, initialLearningRate, maxPoints);
        var plot = NewPlot(title ?? $"{schedule.GetType().Name}: learning rate per step", "optimizer step", "learning rate");
        AddLine(plot, steps, rates, "learning rate", Colors.C2, markers: false);
        return Finish(plot, legend: false);
    }

    /// <summary>Several schedules' learning rates at every optimizer step of the same run, one line each (at most
    /// <paramref name="maxPoints"/> steps per line): <paramref name="initialLearningRate"/> × each <see cref="LearningRateScheduleSpec.Factor"/>.</summary>
    /// <param name="schedules">The schedules, each with a legend name.</param>
    /// <param name="totalSteps">Optimizer steps of the run: epochs × batches per epoch.</param>
    /// <param name="initialLearningRate">The optimizer's learning rate.</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="maxPoints">Most steps evaluated per schedule. At least 2.</param>
    /// <exception cref="ArgumentException">No schedule, a schedule without a name, or an invalid schedule.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count or the learning rate is out of range.</exception>
    public static Plot LearningRateSchedules(IReadOnlyList<NamedSchedule> schedules, long totalSteps, double initialLearningRate,
                                             string title = "Learning rate per step", int maxPoints = 1000)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        if (schedules.Count == 0) throw new ArgumentException("Give at least one schedule.", nameof(schedules));
        var plot = NewPlot(title, "optimizer step", "learning rate");
        for (int i = 0; i < schedules.Count; i++)
        {
            var named = schedules[i] ?? throw new ArgumentException($"schedules holds a null entry at index {i}.", nameof(schedules));
            if (string.IsNullOrWhiteSpace(named.Name)) throw new ArgumentException($"The schedule at index {i} needs a name.", nameof(schedules));
            ArgumentNullException.ThrowIfNull(named.Schedule, nameof(schedules));
            named.Schedule.Validate();
            var (steps, rates) = ScheduleSeries(named.Schedule, totalSteps, initialLearningRate, maxPoints);
            AddLine(plot, steps, rates, named.Name, Palette(i), markers: false);
        }

        return Finish(plot);
    }

    /// <summary>Validation loss (training loss when a run has none, or when <paramref name="validation"/> is false) per epoch of
    /// several runs, one line each: e.g. the same network trained with several optimizers and schedules.</summary>
    /// <param name="runs">The runs, each with a legend name.</param>
    /// <param name="validation">Plot validation losses (where measured) rather than training losses.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">No run, or a run with an empty history.</exception>
    public static Plot LossComparison(IReadOnlyList<NamedHistory> runs, bool validation = true, string title = "Loss per epoch")
    {
        CheckRuns(runs);
        bool useValidation = validation && runs.All(r => r.History.Any(h => h.ValidationLoss is not null));
        var plot = NewPlot(title, "epoch", useValidation ? "validation loss" : "training loss");
        for (int i = 0; i < runs.Count; i++)
        {
            var points = runs[i].History.Where(h => !useValidation || h.ValidationLoss is not null).ToArray();
            AddLine(plot, points.Select(h => (double)h.Epoch).ToArray(),
                points.Select(h => useValidation ? h.ValidationLoss!.Value : h.TrainingLoss).ToArray(), runs[i].Name, Palette(i));
        }

        return Finish(plot);
    }

    /// <summary>The learning rate per epoch of several runs, one line each (the companion of <see cref="LossComparison"/>).</summary>
    /// <param name="runs">The runs, each with a legend name.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">No run, or a run with an empty history.</exception>
    public static Plot LearningRateComparison(IReadOnlyList<NamedHistory> runs, string title = "Learning rate per epoch")
    {
        CheckRuns(runs);
        var plot = NewPlot(title, "epoch", "learning rate");
        for (int i = 0; i < runs.Count; i++)
        {
            AddLine(plot, runs[i].History.Select(h => (double)h.Epoch).ToArray(), runs[i].History.Select(h => h.LearningRate).ToArray(),
                runs[i].Name, Palette(i));
        }

        return Finish(plot);
    }

    /// <summary>A metric of a GBNN model truncated to its first steps, against the number of steps kept (the later steps switched
    /// off), with other models' values as horizontal reference lines.</summary>
    /// <param name="stepsKept">Steps kept, ascending (e.g. 1, 2, ... <c>model.StepsUsed</c>).</param>
    /// <param name="metric">The metric of the truncated model at each entry of <paramref name="stepsKept"/>.</param>
    /// <param name="metricName">Axis label, e.g. <c>"test AUC"</c>.</param>
    /// <param name="baselines">Other models (e.g. a plain network, LightGBM), drawn as dashed lines; or <c>null</c>.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">The arrays are empty or of different lengths.</exception>
    public static Plot MetricVersusStepsKept(IReadOnlyList<int> stepsKept, IReadOnlyList<double> metric, string metricName,
                                             IReadOnlyList<NamedValue>? baselines = null, string title = "GBNN: metric against boosting steps kept")
    {
        ArgumentNullException.ThrowIfNull(stepsKept);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        if (stepsKept.Count == 0 || stepsKept.Count != metric.Count)
            throw new ArgumentException($"stepsKept ({stepsKept.Count}) and metric ({metric.Count}) need the same, non-zero number of entries.", nameof(metric));
        var plot = NewPlot(title, "boosting steps kept", metricName);
        AddLine(plot, stepsKept.Select(s => (double)s).ToArray(), metric.ToArray(), "GBNN, first steps only", Colors.C0);
        if (baselines is not null)
        {
            for (int i = 0; i < baselines.Count; i++)
            {
                var line = plot.Add.HorizontalLine(baselines[i].Value, 1.5f, Palette(i + 1), LinePattern.Dashed);
                line.LegendText = $"{baselines[i].Name} ({baselines[i].Value.ToString("0.0000", CultureInfo.InvariantCulture)})";
            }
        }

        return Finish(plot);
    }

    /// <summary>
    /// A hyperparameter search's history: each trial's metric as a point at its trial number, and the best so far as a step
    /// line. Trials without a finite metric (failed, pruned before any report, cancelled) are not drawn; the x axis label
    /// says how many.
    /// </summary>
    /// <param name="metric">The metric of each trial, in trial order; <see cref="double.NaN"/> for a trial without one.</param>
    /// <param name="metricName">Axis label, e.g. <c>"validation AUC"</c>.</param>
    /// <param name="higherIsBetter">Whether the search maximizes (AUC, accuracy) or minimizes (log-loss, RMSE) the metric.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">No trial, or no trial with a finite metric.</exception>
    public static Plot TrialHistory(IReadOnlyList<double> metric, string metricName, bool higherIsBetter = true, string title = "Trials")
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        var (trials, values, best) = BestSoFar(metric, higherIsBetter);
        int missing = metric.Count - trials.Length;
        string xLabel = missing == 0 ? "trial" : string.Create(CultureInfo.InvariantCulture, $"trial ({missing} without a metric not drawn)");
        var plot = NewPlot(title, xLabel, metricName);
        var points = plot.Add.ScatterPoints(trials, values, Colors.C0);
        points.LegendText = "trial";
        points.MarkerSize = 7;
        // The best-so-far line runs to the last trial, also when the last trials have no metric.
        double[] lineX = trials[^1] < metric.Count ? [.. trials, metric.Count] : trials;
        double[] lineY = trials[^1] < metric.Count ? [.. best, best[^1]] : best;
        var line = plot.Add.Scatter(lineX, lineY, Colors.C2);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LegendText = "best so far";
        line.LineWidth = 2;
        line.MarkerSize = 0;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(0.5, metric.Count + 0.5);
        plot.ShowLegend(higherIsBetter ? Alignment.LowerRight : Alignment.UpperRight);
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>The trial numbers (1-based) with a finite metric, their metric, and the running best among them.</summary>
    internal static (double[] Trials, double[] Values, double[] Best) BestSoFar(IReadOnlyList<double> metric, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var trials = new List<double>();
        var values = new List<double>();
        var best = new List<double>();
        for (int i = 0; i < metric.Count; i++)
        {
            double m = metric[i];
            if (!double.IsFinite(m))
                continue;
            double previous = best.Count == 0 ? m : best[^1];
            trials.Add(i + 1);
            values.Add(m);
            best.Add(higherIsBetter ? Math.Max(previous, m) : Math.Min(previous, m));
        }

        if (metric.Count == 0 || trials.Count == 0)
            throw new ArgumentException($"Give at least one trial with a finite metric; got {metric.Count} trials, none finite.", nameof(metric));
        return (trials.ToArray(), values.ToArray(), best.ToArray());
    }

    /// <summary>A horizontal bar chart of named scores, best at the top, each bar labelled with its value.</summary>
    /// <param name="entries">The candidates (e.g. stacking combiners and single base models) and their scores.</param>
    /// <param name="metricName">Axis label, e.g. <c>"test RMSE (ln dollars)"</c>.</param>
    /// <param name="lowerIsBetter">Whether a lower score ranks higher (errors, losses) or a higher one (AUC, R²).</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">No entry, or an entry with a non-finite score or no name.</exception>
    public static Plot Leaderboard(IReadOnlyList<NamedValue> entries, string metricName, bool lowerIsBetter = true, string title = "Leaderboard")
    {
        var ranked = RankLeaderboard(entries, lowerIsBetter);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        var plot = NewPlot(title, metricName, "");
        var bars = new List<Bar>();
        // Best at the top: position count-1 is drawn highest.
        for (int i = 0; i < ranked.Count; i++)
        {
            bars.Add(new Bar
            {
                Position = ranked.Count - 1 - i, Value = ranked[i].Value, FillColor = i == 0 ? Colors.C2 : Colors.C0,
                Label = ranked[i].Value.ToString("0.0000", CultureInfo.InvariantCulture), CenterLabel = false,
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 14;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, ranked.Count).Select(i => (double)(ranked.Count - 1 - i)).ToArray(), ranked.Select(r => r.Name).ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Margins(left: 0, right: 0.2, bottom: 0.05, top: 0.05);
        double min = ranked.Min(r => r.Value), max = ranked.Max(r => r.Value);
        // Bars start at 0 unless every score sits in a narrow band far from it (then differences would be invisible).
        double start = min > 0 && (max - min) < 0.25 * min ? Math.Max(0, min - 0.5 * (max - min) - 0.02 * min) : Math.Min(0, min);
        foreach (var bar in bars) bar.ValueBase = start;
        plot.Axes.SetLimitsX(start, max + 0.18 * (max - start));
        plot.HideGrid();
        return plot;
    }

    /// <summary>
    /// The accuracy-robustness trade-off: clean accuracy (x) against attacked accuracy (y). <paramref name="curve"/> is drawn as a
    /// line through its points in the given order (e.g. a constant-α sweep from the standard to the robust model), each labelled;
    /// <paramref name="points"/> are separate labelled markers (e.g. the adaptive mixture). A point above and to the right of the curve
    /// is a better trade-off.
    /// </summary>
    /// <param name="curve">The baseline trade-off, at least one point.</param>
    /// <param name="points">Classifiers to compare against the curve, or <c>null</c>.</param>
    /// <param name="curveName">The curve's legend entry.</param>
    /// <param name="title">The chart's title.</param>
    /// <exception cref="ArgumentException">The curve is empty, or a point has no name or an accuracy outside [0, 1].</exception>
    public static Plot TradeOffCurve(IReadOnlyList<TradeOffPoint> curve, IReadOnlyList<TradeOffPoint>? points = null,
                                     string curveName = "constant α", string title = "Accuracy-robustness trade-off")
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Count == 0) throw new ArgumentException("The curve needs at least one point.", nameof(curve));
        foreach (var p in curve.Concat(points ?? []))
        {
            if (string.IsNullOrWhiteSpace(p.Name)) throw new ArgumentException("Every point needs a name.", nameof(curve));
            if (!(p.CleanAccuracy is >= 0 and <= 1) || !(p.RobustAccuracy is >= 0 and <= 1))
                throw new ArgumentException($"Point '{p.Name}' has accuracies {p.CleanAccuracy} and {p.RobustAccuracy}; both must be in [0, 1].", nameof(curve));
        }
        var plot = NewPlot(title, "clean accuracy", "accuracy under attack");
        AddLine(plot, curve.Select(p => p.CleanAccuracy).ToArray(), curve.Select(p => p.RobustAccuracy).ToArray(), curveName, Colors.C0);
        foreach (var p in curve)
        {
            var text = plot.Add.Text(p.Name, p.CleanAccuracy, p.RobustAccuracy);
            text.LabelFontSize = 12;
            text.LabelFontColor = Colors.C0;
            text.LabelOffsetX = 6;
        }
        if (points is not null)
        {
            for (int i = 0; i < points.Count; i++)
            {
                var marker = plot.Add.Marker(points[i].CleanAccuracy, points[i].RobustAccuracy, MarkerShape.FilledDiamond, 12, Palette(i + 1));
                marker.LegendText = points[i].Name;
                var text = plot.Add.Text(points[i].Name, points[i].CleanAccuracy, points[i].RobustAccuracy);
                text.LabelFontSize = 13;
                text.LabelFontColor = Palette(i + 1);
                text.LabelOffsetX = 8;
                text.LabelOffsetY = -14;
            }
        }
        plot.Axes.Margins(0.15, 0.15);
        return Finish(plot);
    }

    /// <summary>Several plots side by side in one PNG file (e.g. <see cref="LossComparison"/> next to <see cref="LearningRateComparison"/>).</summary>
    /// <param name="path">The PNG file to write (created or overwritten; its folder must exist).</param>
    /// <param name="width">Width of each panel in pixels, in [100, 4000].</param>
    /// <param name="height">Height in pixels, in [100, 4000].</param>
    /// <param name="plots">The panels, left to right.</param>
    /// <exception cref="ArgumentException">No plot, or a size out of range.</exception>
    public static void SavePngSideBySide(string path, int width, int height, params Plot[] plots)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(plots);
        if (plots.Length == 0) throw new ArgumentException("Give at least one plot.", nameof(plots));
        CheckSize(width, nameof(width));
        CheckSize(height, nameof(height));
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width * plots.Length, height));
        for (int i = 0; i < plots.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(plots[i], nameof(plots));
            // Each plot renders on its own surface: rendering straight onto the shared canvas clears what the plots before drew.
            using var panel = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height));
            plots[i].Render(panel.Canvas, new PixelRect(0, width, height, 0));
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, i * width, 0);
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>The steps and learning rates <see cref="LearningRateSchedule"/> draws.</summary>
    internal static (double[] Steps, double[] Rates) ScheduleSeries(LearningRateScheduleSpec schedule, long totalSteps, double initialLearningRate, int maxPoints)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        if (!(initialLearningRate > 0) || double.IsInfinity(initialLearningRate))
            throw new ArgumentOutOfRangeException(nameof(initialLearningRate), initialLearningRate, "initialLearningRate must be a finite number > 0.");
        int count = (int)Math.Min(totalSteps, maxPoints);
        var steps = new double[count];
        var rates = new double[count];
        for (int i = 0; i < count; i++)
        {
            long step = count == 1 ? 0 : (long)Math.Round((double)i * (totalSteps - 1) / (count - 1));
            steps[i] = step;
            rates[i] = initialLearningRate * schedule.Factor(step, totalSteps);
        }

        return (steps, rates);
    }

    /// <summary>The entries best first, checked.</summary>
    internal static List<NamedValue> RankLeaderboard(IReadOnlyList<NamedValue> entries, bool lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) throw new ArgumentException("Give at least one entry.", nameof(entries));
        foreach (var e in entries)
        {
            if (string.IsNullOrWhiteSpace(e.Name)) throw new ArgumentException("Every entry needs a name.", nameof(entries));
            if (!double.IsFinite(e.Value)) throw new ArgumentException($"Entry '{e.Name}' has a non-finite score ({e.Value}).", nameof(entries));
        }

        return (lowerIsBetter ? entries.OrderBy(e => e.Value) : entries.OrderByDescending(e => e.Value)).ToList();
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(title);
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.Title.Label.FontSize = 20;
        plot.Axes.Bottom.Label.FontSize = 16;
        plot.Axes.Left.Label.FontSize = 16;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        return plot;
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string legend, Color color, bool markers = true)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerSize = markers && xs.Length <= 60 ? 5 : 0;
    }

    private static Plot Finish(Plot plot, bool legend = true)
    {
        if (legend)
        {
            plot.ShowLegend(Alignment.UpperRight);
            plot.Legend.FontSize = 13;
        }

        return plot;
    }

    private static Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);

    private static void CheckHistory(IReadOnlyList<EpochRecord> history, string name)
    {
        ArgumentNullException.ThrowIfNull(history, name);
        if (history.Count == 0) throw new ArgumentException("The history has no epoch.", name);
    }

    private static void CheckRuns(IReadOnlyList<NamedHistory> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("Give at least one run.", nameof(runs));
        foreach (var run in runs)
        {
            if (run is null || run.History is null || run.History.Count == 0)
                throw new ArgumentException($"Run '{run?.Name}' has no history.", nameof(runs));
        }
    }

    private static void CheckSize(int pixels, string name)
    {
        if (pixels is < 100 or > 4000) throw new ArgumentOutOfRangeException(name, pixels, $"{name} must be in [100, 4000] pixels.");
    }
}
