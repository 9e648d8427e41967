namespace MLExtensions.Boosting;

/// <summary>
/// Limited-memory BFGS with a backtracking (Armijo) line search, for the small smooth problems of GBNN's per-step networks.
/// Stops like scipy's L-BFGS-B as scikit-learn calls it: after <c>maxIterations</c> iterations or <c>maxEvaluations</c>
/// function evaluations, when the largest gradient component is at most <c>gradientTolerance</c>, or when the relative
/// decrease of the objective falls to <see cref="RelativeDecreaseTolerance"/> (scipy's factr 1e7 times machine epsilon).
/// </summary>
internal static class Lbfgs
{
    /// <summary>scipy's default <c>ftol</c> for L-BFGS-B (factr = 1e7).</summary>
    public const double RelativeDecreaseTolerance = 1e7 * 2.220446049250313e-16;

    /// <summary>Curvature pairs kept (scipy's default <c>maxcor</c>).</summary>
    public const int Memory = 10;

    /// <summary>Evaluates the objective at x and writes its gradient; returns the value.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    /// <summary>Minimizes <paramref name="objective"/> from <paramref name="x"/> (updated in place); returns the iterations used.</summary>
    public static int Minimize(Objective objective, double[] x, int maxIterations, int maxEvaluations = 15000, double gradientTolerance = 0)
    {
        int p = x.Length;
        var g = new double[p];
        var direction = new double[p];
        var candidate = new double[p];
        var candidateGradient = new double[p];
        var s = new double[Memory][];
        var y = new double[Memory][];
        var rho = new double[Memory];
        var alpha = new double[Memory];
        int stored = 0, next = 0;
        double f = objective(x, g);
        int evaluations = 1;
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            if (MaxAbs(g) <= gradientTolerance)
            {
                break;
            }

            // Two-loop recursion: direction = −H g.
            Array.Copy(g, direction, p);
            for (int m = 0; m < stored; m++)
            {
                int j = (next - 1 - m + Memory) % Memory;
                alpha[j] = rho[j] * Dot(s[j], direction);
                Axpy(-alpha[j], y[j], direction);
            }

            double scale = 1;
            if (stored > 0)
            {
                int last = (next - 1 + Memory) % Memory;
                scale = Dot(s[last], y[last]) / Dot(y[last], y[last]);
            }

            for (int i = 0; i < p; i++)
            {
                direction[i] *= -scale;
            }

            for (int m = stored - 1; m >= 0; m--)
            {
                int j = (next - 1 - m + Memory) % Memory;
                double beta = rho[j] * Dot(y[j], direction);
                Axpy(-(alpha[j] + beta), s[j], direction); // direction holds −H g, so the correction flips sign
            }

            double slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < p; i++)
                {
                    direction[i] = -g[i];
                }

                slope = -Dot(g, g);
            }

            double step = stored == 0 ? Math.Min(1, 1 / Math.Sqrt(Dot(g, g))) : 1;
            double fNew = double.NaN;
            bool accepted = false;
            for (int halving = 0; halving < 40 && evaluations < maxEvaluations; halving++)
            {
                for (int i = 0; i < p; i++)
                {
                    candidate[i] = x[i] + step * direction[i];
                }

                fNew = objective(candidate, candidateGradient);
                evaluations++;
                if (double.IsFinite(fNew) && fNew <= f + 1e-4 * step * slope)
                {
                    accepted = true;
                    break;
                }

                step *= 0.5;
            }

            if (!accepted)
            {
                break;
            }

            var sNew = s[next] ??= new double[p];
            var yNew = y[next] ??= new double[p];
            for (int i = 0; i < p; i++)
            {
                sNew[i] = candidate[i] - x[i];
                yNew[i] = candidateGradient[i] - g[i];
            }

            double sy = Dot(sNew, yNew);
            if (sy > 1e-10 * Math.Sqrt(Dot(sNew, sNew) * Dot(yNew, yNew)))
            {
                rho[next] = 1 / sy;
                next = (next + 1) % Memory;
                stored = Math.Min(stored + 1, Memory);
            }

            Array.Copy(candidate, x, p);
            Array.Copy(candidateGradient, g, p);
            double decrease = (f - fNew) / Math.Max(Math.Max(Math.Abs(f), Math.Abs(fNew)), 1);
            f = fNew;
            if (decrease <= RelativeDecreaseTolerance || evaluations >= maxEvaluations)
            {
                iteration++;
                break;
            }
        }

        return iteration;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static double MaxAbs(double[] v)
    {
        double max = 0;
        foreach (double value in v)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }
}
