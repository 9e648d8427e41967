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
}
