using System.Globalization;
using System.Text;
using MLExtensions.AutoML;

namespace AutoMLSample;

/// <summary>A text chart of an experiment's trial history: one bar per trial (its metric, or its last reported value when pruned).</summary>
internal static class TrialChart
{
    public static string Draw(AutoMLExperimentResult result, int width = 40)
    {
        var complete = result.Trials.Where(t => double.IsFinite(t.Metric)).Select(t => t.Metric).ToList();
        double low = complete.Count > 0 ? complete.Min() : 0, high = complete.Count > 0 ? complete.Max() : 1;
        double span = high > low ? high - low : 1;
        var sb = new StringBuilder();
        double bestSoFar = result.IsMaximize ? double.NegativeInfinity : double.PositiveInfinity;
        foreach (var t in result.Trials)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"trial {t.TrialSettings.TrialId,3} {t.State,-9}");
            if (double.IsFinite(t.Metric))
            {
                bool best = result.IsMaximize ? t.Metric > bestSoFar : t.Metric < bestSoFar;
                bestSoFar = best ? t.Metric : bestSoFar;
                int bar = 1 + (int)Math.Round((width - 1) * (t.Metric - low) / span);
                sb.Append(CultureInfo.InvariantCulture, $"{label} {new string('#', bar),-40} {t.Metric:0.0000}{(best ? "  <- best so far" : "")}\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"{label} {"",-40} stopped after {t.IntermediateValues.Count} epochs\n");
            }
        }

        return sb.ToString();
    }
}
