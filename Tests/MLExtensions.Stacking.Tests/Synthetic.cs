namespace MLExtensions.Stacking.Tests;

/// <summary>Seeded synthetic prediction matrices.</summary>
internal static class Synthetic
{
    public static double[] Normal(Random random, int n, double sd = 1.0)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            v[i] = sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return v;
    }

    public static double[] Add(double[] a, double[] b, double scale = 1.0) => a.Select((v, i) => v + scale * b[i]).ToArray();

    /// <summary>y ~ N(0,1) and K base predictions y + independent noise of the given sizes.</summary>
    public static (PredictionMatrix P, double[] Y) Library(int n, double[] noise, int seed)
    {
        var random = new Random(seed);
        var y = Normal(random, n);
        var columns = noise.Select(s => Add(y, Normal(random, n), s)).ToArray();
        return (new PredictionMatrix(noise.Select((_, i) => "m" + i).ToArray(), columns), y);
    }

    /// <summary>
    /// A zoo whose errors depend on the fold: 4 folds of <paramref name="perFold"/> rows (fold = row / perFold), y ~ N(0, 1);
    /// model "a" is nearly exact (noise 0.05) in folds 0 and 1 and poor (noise 1.2) in folds 2 and 3, model "b" the reverse, model
    /// "c" is mediocre everywhere (noise 1). Cross-validation over these folds sees the shift (a model good on the training folds
    /// is poor on the held-out one); shuffled folds mix it away.
    /// </summary>
    public static (PredictionMatrix P, double[] Y, int[] Folds) FoldShift(int perFold, int seed)
    {
        var random = new Random(seed);
        int n = 4 * perFold;
        var folds = Enumerable.Range(0, n).Select(i => i / perFold).ToArray();
        var y = Normal(random, n);
        var a = y.Select((v, i) => v + (folds[i] < 2 ? 0.05 : 1.2) * Normal(random, 1)[0]).ToArray();
        var b = y.Select((v, i) => v + (folds[i] < 2 ? 1.2 : 0.05) * Normal(random, 1)[0]).ToArray();
        var c = Add(y, Normal(random, n), 1.0);
        return (new PredictionMatrix(["a", "b", "c"], [a, b, c]), y, folds);
    }
}
