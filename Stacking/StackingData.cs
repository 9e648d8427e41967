namespace MLExtensions;

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

    /// <summary>
    /// Checks a fold assignment (one integer ≥ 0 per row, at least 2 distinct values) and renumbers the folds 0 … K − 1 in
    /// increasing order of their labels, so every fold is non-empty.
    /// </summary>
    public static int[] CheckFolds(IReadOnlyList<long> folds, int rows, string what, string paramName)
    {
        if (folds.Count != rows)
        {
            throw new ArgumentException($"{what} has {folds.Count} values but the predictions have {rows} rows.", paramName);
        }

        for (int i = 0; i < folds.Count; i++)
        {
            if (folds[i] < 0)
            {
                throw new ArgumentException(
                    $"{what} has a negative fold ({folds[i]}) at row {i}; folds are integers >= 0 (drop rows outside the cross-validation, such as test rows marked -1).", paramName);
            }
        }

        var labels = folds.Distinct().Order().ToArray();
        if (labels.Length < 2)
        {
            throw new ArgumentException($"{what} has a single fold ({labels[0]}); at least 2 distinct folds are needed.", paramName);
        }

        var index = new Dictionary<long, int>();
        for (int f = 0; f < labels.Length; f++)
        {
            index[labels[f]] = f;
        }

        return folds.Select(f => index[f]).ToArray();
    }

    /// <summary>Some rows of a prediction matrix, in the given order.</summary>
    public static PredictionMatrix Rows(PredictionMatrix predictions, int[] rows) =>
        new(predictions.Names, predictions.Columns.Select(c => rows.Select(i => c[i]).ToArray()).ToArray());

    /// <summary>Number of folds of a checked (dense) assignment.</summary>
    public static int FoldCount(int[] folds) => folds.Max() + 1;

    /// <summary>The rows of <paramref name="folds"/> outside fold <paramref name="excluded"/>, in order.</summary>
    public static int[] RowsOutside(int[] folds, int excluded) => Enumerable.Range(0, folds.Length).Where(i => folds[i] != excluded).ToArray();

    /// <summary>
    /// The outer and inner folds of a nested cross-validation: seeded shuffles of the given sizes, or, with a fold assignment, that
    /// assignment as outer folds and again as inner folds (the inner CV of outer fold f runs over the other folds), which needs
    /// at least 3 folds.
    /// </summary>
    public static (int[] Outer, int OuterCount, int[] Inner, int InnerCount) NestedFolds(int rows, int[]? folds, int outerFolds, int innerFolds, int seed, string combiner)
    {
        if (folds is null)
        {
            if (rows < outerFolds * innerFolds)
            {
                throw new ArgumentException($"{combiner} needs at least OuterFolds x InnerFolds = {outerFolds * innerFolds} rows; got {rows}.", "predictions");
            }

            return (ShuffledFolds(rows, outerFolds, seed), outerFolds, ShuffledFolds(rows, innerFolds, seed + 1), innerFolds);
        }

        int count = FoldCount(folds);
        if (count < 3)
        {
            throw new ArgumentException(
                $"{combiner} with a fold assignment needs at least 3 folds (its inner cross-validation runs over the folds left after each outer fold); got {count}.", nameof(folds));
        }

        return (folds, count, folds, count);
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
