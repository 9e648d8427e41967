using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// A catalog-made neural or GBNN trainer that sees unscaled features (|x| above 1,000) warns on its context's log and names the fix;
/// features near unit scale give no warning.
/// </summary>
[TestClass]
public sealed class FeatureScaleWarningTests
{
    private static List<string> Warnings(MLContext ml)
    {
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message);
        };
        return warnings;
    }

    private static List<SyntheticData.BinaryRow> Scaled(float factor) =>
        SyntheticData.Binary(80, 1).Select(r => new SyntheticData.BinaryRow { Features = r.Features.Select((v, i) => i == 2 ? v * factor : v).ToArray(), Label = r.Label }).ToList();

    [TestMethod]
    public void Fit_UnscaledFeatures_WarnsNamingColumnSlotAndNormalizer()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [4], epochs: 1).Fit(ml.Data.LoadFromEnumerable(Scaled(1e5f)));

        var warning = warnings.Single(w => w.Contains("unscaled", StringComparison.Ordinal));
        StringAssert.Contains(warning, "Feature column 'Features'");
        StringAssert.Contains(warning, "(slot 2)");
        StringAssert.Contains(warning, "NormalizeMeanVariance(\"Features\", fixZero: false)");
    }

    [TestMethod]
    public void Fit_UnscaledFeatures_GbnnWarnsToo()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: 4).Fit(ml.Data.LoadFromEnumerable(Scaled(-3e4f)));

        Assert.AreEqual(1, warnings.Count(w => w.Contains("unscaled", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Fit_FeaturesNearUnitScaleOrPixelRange_NoWarning()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [4], epochs: 1).Fit(ml.Data.LoadFromEnumerable(Scaled(1)));
        ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [4], epochs: 1).Fit(ml.Data.LoadFromEnumerable(Scaled(255)));

        Assert.IsFalse(warnings.Any(w => w.Contains("unscaled", StringComparison.Ordinal)), string.Join("\n", warnings));
    }
}
