using System.Numerics.Tensors;

namespace MLExtensions;

/// <summary>
/// Limited-memory BFGS with a strong-Wolfe line search (bracketing and cubic-interpolation zoom, Nocedal and Wright's
/// Algorithms 3.5 and 3.6), for the small smooth problems of GBNN's per-step networks.
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

    /// <summary>Minimizes <paramref name="objective"/> from <paramref name="x"/> (updated in place); returns the iterations used and the objective evaluations.</summary>
    public static (int Iterations, int Evaluations) Minimize(Objective objective, double[] x, int maxIterations, int maxEvaluations = 15000, double gradientTolerance = 0)
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

            TensorPrimitives.Multiply(direction, -scale, direction);

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
                TensorPrimitives.Negate(g, direction);

                slope = -Dot(g, g);
            }

            double step = stored == 0 ? Math.Min(1, 1 / Math.Sqrt(Dot(g, g))) : 1;
            var search = new LineSearch(objective, x, direction, f, slope, candidate, candidateGradient, maxEvaluations - evaluations);
            bool accepted = search.Run(step, out double fNew);
            evaluations += search.Evaluations;
            if (!accepted)
            {
                break;
            }

            var sNew = s[next] ??= new double[p];
            var yNew = y[next] ??= new double[p];
            TensorPrimitives.Subtract(candidate, x, sNew);
            TensorPrimitives.Subtract(candidateGradient, g, yNew);

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

        return (iteration, evaluations);
    }

    /// <summary>
    /// Finds a step along <c>direction</c> that satisfies the strong Wolfe conditions (sufficient decrease c1 = 1e-4, curvature
    /// c2 = 0.9); on success <c>candidate</c> and <c>candidateGradient</c> hold the accepted point.
    /// </summary>
    private sealed class LineSearch(Objective objective, double[] x, double[] direction, double f0, double slope0,
                                    double[] candidate, double[] candidateGradient, int budget)
    {
        private const double SufficientDecrease = 1e-4;
        private const double Curvature = 0.9;
        private const int MaxTrials = 25;

        public int Evaluations { get; private set; }

        public bool Run(double initialStep, out double value)
        {
            double previousStep = 0, previousValue = f0, previousSlope = slope0, step = initialStep;
            for (int trial = 0; trial < MaxTrials && Evaluations < budget; trial++)
            {
                var (f, slope) = Evaluate(step);
                if (!double.IsFinite(f) || f > f0 + SufficientDecrease * step * slope0 || (trial > 0 && f >= previousValue))
                {
                    return Zoom(previousStep, previousValue, previousSlope, step, f, slope, out value);
                }

                if (Math.Abs(slope) <= -Curvature * slope0)
                {
                    value = f;
                    return true;
                }

                if (slope >= 0)
                {
                    return Zoom(step, f, slope, previousStep, previousValue, previousSlope, out value);
                }

                (previousStep, previousValue, previousSlope) = (step, f, slope);
                step *= 2;
            }

            value = double.NaN;
            return false;
        }

        /// <summary>Shrinks [lo, hi] (lo satisfies sufficient decrease with the lower value) until a step meets both conditions.</summary>
        private bool Zoom(double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi, out double value)
        {
            for (int trial = 0; trial < MaxTrials && Evaluations < budget; trial++)
            {
                double step = Interpolate(lo, fLo, slopeLo, hi, fHi, slopeHi);
                var (f, slope) = Evaluate(step);
                if (!double.IsFinite(f) || f > f0 + SufficientDecrease * step * slope0 || f >= fLo)
                {
                    (hi, fHi, slopeHi) = (step, f, slope);
                    continue;
                }

                if (Math.Abs(slope) <= -Curvature * slope0)
                {
                    value = f;
                    return true;
                }

                if (slope * (hi - lo) >= 0)
                {
                    (hi, fHi, slopeHi) = (lo, fLo, slopeLo);
                }

                (lo, fLo, slopeLo) = (step, f, slope);
            }

            // No step met the curvature condition: take the best one that decreases enough, if any.
            if (lo > 0)
            {
                var (f, _) = Evaluate(lo);
                value = f;
                return double.IsFinite(f) && f < f0;
            }

            value = double.NaN;
            return false;
        }

        /// <summary>The minimizer of the cubic through both ends, kept at least a tenth of the interval from either end.</summary>
        private static double Interpolate(double a, double fa, double ga, double b, double fb, double gb)
        {
            double d1 = ga + gb - 3 * (fa - fb) / (a - b);
            double d2 = Math.Sign(b - a) * Math.Sqrt(d1 * d1 - ga * gb);
            double step = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
            double low = Math.Min(a, b), high = Math.Max(a, b), margin = 0.1 * (high - low);
            return double.IsFinite(step) && step >= low + margin && step <= high - margin ? step : 0.5 * (a + b);
        }

        private (double Value, double Slope) Evaluate(double step)
        {
            TensorPrimitives.MultiplyAdd(direction, step, x, candidate);

            Evaluations++;
            double f = objective(candidate, candidateGradient);
            return (f, Dot(candidateGradient, direction));
        }
    }

    private static double Dot(double[] a, double[] b) => TensorPrimitives.Dot<double>(a, b);

    private static void Axpy(double a, double[] x, double[] y) => TensorPrimitives.MultiplyAdd(x, a, y, y);

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
