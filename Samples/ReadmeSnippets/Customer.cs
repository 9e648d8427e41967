using Microsoft.ML.Data;

namespace ReadmeSnippets;

/// <summary>A synthetic customer for the saving and serving snippets: four features and whether they churned.</summary>
public sealed class Customer
{
    [VectorType(4)] public float[] Features { get; set; } = [];
    public bool Label { get; set; }

    /// <summary>Seeded rows whose label is a noisy nonlinear function of the features.</summary>
    public static List<Customer> Generate(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float[] x = [(float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1, (float)random.NextDouble()];
            return new Customer { Features = x, Label = 3 * x[0] * x[1] - 2 * x[2] + x[3] + 0.5 * (random.NextDouble() - 0.5) > 0 };
        }).ToList();
    }
}
