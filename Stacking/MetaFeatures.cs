namespace MLExtensions;

/// <summary>
/// Row-wise statistics of the base predictions that the regularized meta-models see besides the predictions themselves: mean μ,
/// population standard deviation σ, median, range r = max − min, and the interactions μ·σ and r·σ (in this order).
/// </summary>
public static class MetaFeatures
{
    /// <summary>Names of the appended columns, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mean", "std", "median", "range", "mean*std", "range*std"];

    /// <summary>Number of appended columns.</summary>
    public const int Count = 6;

    /// <summary>Writes the six statistics of <paramref name="predictions"/> into <paramref name="destination"/>.</summary>
    /// <param name="predictions">One row of base predictions (at least one value).</param>
    /// <param name="destination">Six values.</param>
    public static void Compute(ReadOnlySpan<double> predictions, Span<double> destination)
    {
        int k = predictions.Length;
        if (k == 0)
        {
            throw new ArgumentException("At least one prediction is required.", nameof(predictions));
        }

        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination needs {Count} values.", nameof(destination));
        }

        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in predictions)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        double mean = sum / k;
        double ss = 0;
        foreach (var v in predictions)
        {
            ss += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(ss / k);
        Span<double> sorted = k <= 256 ? stackalloc double[k] : new double[k];
        predictions.CopyTo(sorted);
        sorted.Sort();
        double median = k % 2 == 1 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
        double range = max - min;
        destination[0] = mean;
        destination[1] = std;
        destination[2] = median;
        destination[3] = range;
        destination[4] = mean * std;
        destination[5] = range * std;
    }

    /// <summary>The predictions followed by their six statistics, as columns (K + 6 columns).</summary>
    /// <param name="predictions">Base predictions.</param>
    /// <returns>The augmented columns.</returns>
    public static double[][] Augment(PredictionMatrix predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        int k = predictions.Count, n = predictions.Rows;
        var result = new double[k + Count][];
        for (int j = 0; j < k; j++)
        {
            result[j] = predictions.Columns[j];
        }

        for (int j = 0; j < Count; j++)
        {
            result[k + j] = new double[n];
        }

        var row = new double[k];
        Span<double> stats = stackalloc double[Count];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                row[j] = predictions.Columns[j][i];
            }

            Compute(row, stats);
            for (int j = 0; j < Count; j++)
            {
                result[k + j][i] = stats[j];
            }
        }

        return result;
    }
}
