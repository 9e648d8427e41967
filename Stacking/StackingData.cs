namespace MLExtensions.Stacking;

/// <summary>Shared checks and fold assignments.</summary>
internal static class StackingData
{
    public static double[] CheckLabel(IReadOnlyList<double> label, int rows, string name = "label")
    {
        ArgumentNullException.ThrowIfNull(label, name);
        if (label.Count != rows)
        {
            throw new ArgumentException($"The label has {label.Count} values but the predictions have {rows} rows.", name);
        }

        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = label[i];
            if (!double.IsFinite(y[i]))
            {
                throw new ArgumentException($"The label contains a non-finite value ({y[i]}) at row {i}.", name);
            }
        }

        return y;
    }

    /// <summary>Shuffled K-fold assignment (like KFold(shuffle=True)): a seeded permutation cut into contiguous blocks of sizes n/K (+1 for the first n % K).</summary>
    public static int[] ShuffledFolds(int n, int k, int seed)
    {
        if (n < k)
        {
            throw new ArgumentException($"Cannot split {n} rows into {k} folds; at least {k} rows are needed.");
        }

        var permutation = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(permutation);
        var folds = new int[n];
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = n / k + (f < n % k ? 1 : 0);
            for (int i = start; i < start + size; i++)
            {
                folds[permutation[i]] = f;
            }

            start += size;
        }

        return folds;
    }

    public static double Rmse(IReadOnlyList<double> prediction, IReadOnlyList<double> y)
    {
        double se = 0;
        for (int i = 0; i < y.Count; i++)
        {
            double d = prediction[i] - y[i];
            se += d * d;
        }

        return Math.Sqrt(se / y.Count);
    }

    /// <summary>numpy.logspace(start, stop, count).</summary>
    public static double[] LogSpace(double start, double stop, int count) =>
        Enumerable.Range(0, count).Select(i => Math.Pow(10, count == 1 ? start : start + (stop - start) * i / (count - 1))).ToArray();

    public static void CheckGrid(IReadOnlyList<double>? values, string name, bool unitInterval)
    {
        if (values is null || values.Count == 0)
        {
            throw new ArgumentException($"{name} must contain at least one value.", name);
        }

        foreach (var v in values)
        {
            bool ok = unitInterval ? v >= 0 && v <= 1 : v >= 0 && double.IsFinite(v);
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, v, unitInterval ? "every value must be in [0, 1]." : "every value must be a finite number >= 0.");
            }
        }
    }
}
