using Microsoft.ML.Data;

namespace Consumers;

/// <summary>One synthetic customer: four numeric features and whether they churned.</summary>
public sealed class Customer
{
    [VectorType(4)] public float[] Features { get; set; } = [];
    public bool Label { get; set; }

    /// <summary>Deterministic rows: the label is a noisy nonlinear function of the features (same rows in every app).</summary>
    public static List<Customer> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Customer>(count);
        for (int i = 0; i < count; i++)
        {
            float[] x = [(float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1, (float)random.NextDouble()];
            double logit = 3 * x[0] * x[1] - 2 * x[2] + x[3] + 0.5 * (random.NextDouble() - 0.5);
            rows.Add(new Customer { Features = x, Label = logit > 0 });
        }
        return rows;
    }
}

/// <summary>What a binary model predicts for a customer.</summary>
public sealed class ChurnPrediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
    public float Score { get; set; }
}
