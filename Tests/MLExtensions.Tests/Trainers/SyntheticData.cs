using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>Small seeded datasets for trainer tests.</summary>
internal static class SyntheticData
{
    public const int FeatureCount = 4;

    public sealed class BinaryRow
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public bool Label { get; set; }
        public float Weight { get; set; } = 1;
    }

    public sealed class MulticlassRow
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    public sealed class RegressionRow
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private static float[] Point(Random r) => Enumerable.Range(0, FeatureCount).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    /// <summary>Label = x0 + x1^2 - 0.3 > 0, with 5% label noise.</summary>
    public static List<BinaryRow> Binary(int rows, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Point(r);
            bool label = x[0] + x[1] * x[1] - 0.3 > 0;
            if (r.NextDouble() < 0.05) label = !label;
            return new BinaryRow { Features = x, Label = label };
        }).ToList();
    }

    /// <summary>Three classes by the sign pattern of x0 and x2.</summary>
    public static List<MulticlassRow> Multiclass(int rows, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Point(r);
            string label = x[0] > 0.2 ? "high" : x[2] > 0 ? "mid" : "low";
            return new MulticlassRow { Features = x, Label = label };
        }).ToList();
    }

    /// <summary>y = 10 + 5 sin(2 x0) + 3 x1 x2 + noise (a target far from zero mean and unit scale).</summary>
    public static List<RegressionRow> Regression(int rows, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            var x = Point(r);
            float y = (float)(10 + 5 * Math.Sin(2 * x[0]) + 3 * x[1] * x[2] + 0.1 * (r.NextDouble() - 0.5));
            return new RegressionRow { Features = x, Label = y };
        }).ToList();
    }

    /// <summary>Multiclass rows with the label mapped to a key; the key order is fixed (high, low, mid) across calls.</summary>
    public static IDataView MulticlassView(MLContext ml, int rows, int seed)
    {
        var keys = ml.Data.LoadFromEnumerable(new[] { "high", "low", "mid" }.Select(l => new MulticlassRow { Features = new float[FeatureCount], Label = l }));
        return ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Transforms.SelectColumns("Label").Fit(keys).Transform(keys))
            .Fit(keys).Transform(ml.Data.LoadFromEnumerable(Multiclass(rows, seed)));
    }
}
