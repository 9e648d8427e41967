using Microsoft.ML.Data;

namespace ReadmeSnippets;

/// <summary>A synthetic regression row for the stacking snippet.</summary>
public sealed class HouseRow
{
    [VectorType(3)] public float[] Features { get; set; } = [];
    public float Label { get; set; }

    /// <summary>Seeded rows: a smooth function of the features plus noise.</summary>
    public static List<HouseRow> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
            return new HouseRow { Features = x, Label = (float)(3 * x[0] + Math.Sin(4 * x[1]) + x[2] * x[2] + 0.1 * random.NextDouble()) };
        }).ToList();
    }
}
