using ScottPlot;

namespace MLExtensions.Benchmarks.AutoML;

/// <summary>The best-so-far curves of the searches: median over seeds per method, against epochs spent and against seconds.</summary>
internal static class HpoPlot
{
    public static void BestSoFar(string dataset, IReadOnlyList<(string Method, int Seed, List<(int Epochs, double Seconds, double Best)> Curve)> runs, string path)
    {
        var methods = runs.Select(r => r.Method).Distinct().ToArray();
        var byEpochs = NewPlot($"{dataset}: best so far, median over seeds", "epochs spent by the search");
        var bySeconds = NewPlot($"{dataset}: best so far against time", "seconds spent in trials");
        var ys = new List<double>();
        var palette = new ScottPlot.Palettes.Category10();
        for (int m = 0; m < methods.Length; m++)
        {
            var own = runs.Where(r => r.Method == methods[m]).ToList();
            var color = palette.GetColor(m);
            ys.AddRange(Add(byEpochs, own.Select(r => r.Curve.Select(c => ((double)c.Epochs, c.Best)).ToList()).ToList(), methods[m], color));
            Add(bySeconds, own.Select(r => r.Curve.Select(c => (c.Seconds, c.Best)).ToList()).ToList(), methods[m], color);
        }
        // Show the region where the methods differ: from the best median to the 90th percentile of the medians.
        var finite = ys.Where(double.IsFinite).Order().ToArray();
        if (finite.Length > 0)
        {
            double lo = finite[0], hi = finite[(int)(0.9 * (finite.Length - 1))];
            double pad = Math.Max(1e-4, 0.05 * (hi - lo));
            byEpochs.Axes.SetLimitsY(lo - pad, hi + pad);
            bySeconds.Axes.SetLimitsY(lo - pad, hi + pad);
        }
        TrainingCharts.SavePngSideBySide(path, 800, 550, byEpochs, bySeconds);
    }

    private static Plot NewPlot(string title, string xLabel)
    {
        var plot = new Plot();
        plot.Title(title, 14);
        plot.XLabel(xLabel);
        plot.YLabel("validation log-loss (lower is better)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Adds the median over seeds of step functions (x increasing) evaluated on a common grid.</summary>
    private static List<double> Add(Plot plot, List<List<(double X, double Best)>> curves, string label, Color color)
    {
        double xMax = curves.Max(c => c.Count == 0 ? 0 : c[^1].X);
        const int points = 200;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 1; i <= points; i++)
        {
            double x = xMax * i / points;
            var values = curves.Select(c => c.LastOrDefault(p => p.X <= x, (0, double.NaN)).Best).Where(v => !double.IsNaN(v)).ToList();
            if (values.Count * 2 <= curves.Count) continue; // the median is defined once most seeds have a full trial
            xs.Add(x);
            ys.Add(BenchmarkSupport.Median(values.Concat(Enumerable.Repeat(double.PositiveInfinity, curves.Count - values.Count))));
        }
        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        return ys;
    }
}
