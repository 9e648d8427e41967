using System.Globalization;
using Microsoft.ML.Runtime;

namespace MLExtensions;

/// <summary>
/// The warning a neural or GBNN trainer made from a catalog writes to its <c>MLContext</c>'s log when the packed training features
/// are far from unit scale: sigmoid and tanh units saturate and Adam's default step is tiny against such inputs, so the fit stays
/// near chance without any error (raw incomes of about 1e5 gave AUC 0.5). ML.NET's <c>NormalizeMeanVariance</c> before the
/// trainer is the fix the message names.
/// </summary>
internal static class FeatureScaleWarning
{
    /// <summary>A magnitude above which a feature counts as unscaled: well above pixel values (255) and z-scores.</summary>
    internal const float Threshold = 1000;

    /// <summary>The warning for <paramref name="data"/>'s features, or <c>null</c> when every value is within <see cref="Threshold"/>.</summary>
    public static string? For(PackedData data, string featureColumn)
    {
        ReadOnlySpan<float> values = data.Sparse is { } sparse ? sparse.Values.AsSpan(0, (int)sparse.ValueCount) : data.Features;
        int at = -1;
        float largest = Threshold;
        for (int i = 0; i < values.Length; i++)
        {
            float magnitude = Math.Abs(values[i]);
            if (magnitude > largest)
            {
                largest = magnitude;
                at = i;
            }
        }

        if (at < 0) return null;
        string where = data.Sparse is { } rows ? $"slot {rows.Indices[at]}" : $"slot {at % data.FeatureCount}";
        return string.Create(CultureInfo.InvariantCulture,
            $"Feature column '{featureColumn}' holds values up to {largest:G3} in magnitude ({where}); neural networks train poorly on " +
            $"unscaled features. Standardize them first: mlContext.Transforms.NormalizeMeanVariance(\"{featureColumn}\", fixZero: false).");
    }

    /// <summary>Writes the warning, if any, to <paramref name="environment"/>'s log under <paramref name="source"/>.</summary>
    public static void Report(IHostEnvironment? environment, string source, PackedData data, string featureColumn)
    {
        if (environment is null || For(data, featureColumn) is not { } message) return;
        using var channel = environment.Start(source);
        channel.Warning(MessageSensitivity.None, message);
    }
}
