namespace MLExtensions.AutoML;

/// <summary>
/// The standard normal distribution truncated to [a, b]: log-density, log-mass and inverse-CDF sampling, accurate in
/// the tails (the log of the normal CDF is computed from a continued fraction below -2√2, so no mass underflows to 0).
/// </summary>
internal static class TruncatedNormal
{
    private const double Sqrt2 = 1.4142135623730950488;
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double LogSqrtPi = 0.5 * Math.Log(Math.PI);

    /// <summary>log φ(z), the standard normal log-density.</summary>
    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    /// <summary>log Φ(z), the log of the standard normal CDF.</summary>
    public static double LogCdf(double z)
    {
        // Φ(z) = erfc(-z/√2)/2.
        double x = -z / Sqrt2;
        return LogErfc(x) - Math.Log(2);
    }

    /// <summary>Φ(z).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Sqrt2);

    /// <summary>log(Φ(b) − Φ(a)) for a &lt; b.</summary>
    public static double LogMass(double a, double b)
    {
        if (!(a < b))
        {
            return double.NegativeInfinity;
        }

        if (b <= 0)
        {
            double lb = LogCdf(b), la = LogCdf(a);
            return lb + Math.Log(OneMinusExp(la - lb));
        }

        if (a >= 0)
        {
            return LogMass(-b, -a);
        }

        return Math.Log(1 - Cdf(a) - Cdf(-b));
    }

    /// <summary>1 − e^t for t ≤ 0, accurate near 0.</summary>
    private static double OneMinusExp(double t)
    {
        if (t > -1e-4)
        {
            // -(t + t²/2 + t³/6 + t⁴/24)
            return -t * (1 + t * (0.5 + t * (1.0 / 6 + t / 24)));
        }

        return 1 - Math.Exp(t);
    }

    /// <summary>log-density at x of N(mu, sigma²) truncated to [low, high] (−∞ outside).</summary>
    public static double LogPdf(double x, double mu, double sigma, double low, double high)
    {
        if (x < low || x > high)
        {
            return double.NegativeInfinity;
        }

        double a = (low - mu) / sigma, b = (high - mu) / sigma, z = (x - mu) / sigma;
        return LogPdf(z) - LogMass(a, b) - Math.Log(sigma);
    }

    /// <summary>The point of N(mu, sigma²) truncated to [low, high] at quantile <paramref name="u"/> ∈ [0, 1].</summary>
    public static double Quantile(double u, double mu, double sigma, double low, double high)
    {
        double a = (low - mu) / sigma, b = (high - mu) / sigma;
        double z = StandardQuantile(u, a, b);
        return Math.Clamp(mu + sigma * z, low, high);
    }

    /// <summary>The standard normal truncated to [a, b] at quantile u.</summary>
    public static double StandardQuantile(double u, double a, double b)
    {
        if (a >= 0)
        {
            // Mirror to the left tail, where the log-CDF is accurate.
            return -StandardQuantile(1 - u, -b, -a);
        }

        double la = LogCdf(a), lb = LogCdf(b);
        // log(Φ(a) + u(Φ(b) − Φ(a))) = log((1-u)Φ(a) + uΦ(b)).
        double target;
        if (u <= 0)
        {
            target = la;
        }
        else if (u >= 1)
        {
            target = lb;
        }
        else
        {
            double t1 = la + Math.Log(1 - u), t2 = lb + Math.Log(u);
            double m = Math.Max(t1, t2);
            target = m + Math.Log(Math.Exp(t1 - m) + Math.Exp(t2 - m));
        }

        return Math.Clamp(InverseLogCdf(target, a, b), a, b);
    }

    /// <summary>z with log Φ(z) = <paramref name="logP"/>, searched in [lo, hi] (Newton steps guarded by bisection).</summary>
    private static double InverseLogCdf(double logP, double lo, double hi)
    {
        double z = logP > -30 ? AcklamQuantile(Math.Exp(logP)) : -Math.Sqrt(-2 * logP);
        z = Math.Clamp(z, lo, hi);
        for (int i = 0; i < 60; i++)
        {
            double f = LogCdf(z) - logP;
            if (f > 0) { hi = z; } else { lo = z; }
            if (Math.Abs(f) < 1e-15)
            {
                break;
            }

            double derivative = Math.Exp(LogPdf(z) - LogCdf(z)); // d log Φ / dz
            double next = z - f / derivative;
            if (!(next > lo && next < hi) || double.IsNaN(next))
            {
                next = 0.5 * (lo + hi);
            }

            if (Math.Abs(next - z) < 1e-15 * Math.Max(1, Math.Abs(z)))
            {
                z = next;
                break;
            }

            z = next;
        }

        return z;
    }

    /// <summary>P. J. Acklam's rational approximation of the normal quantile (relative error ~1e-9), refined by Newton.</summary>
    private static double AcklamQuantile(double p)
    {
        if (p <= 0) { return double.NegativeInfinity; }
        if (p >= 1) { return double.PositiveInfinity; }
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double pLow = 0.02425;
        if (p < pLow)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        if (p > 1 - pLow)
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>erfc(x), to about 1e-15 relative.</summary>
    public static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        if (x < 2)
        {
            return 1 - ErfSeries(x);
        }

        return Math.Exp(LogErfcContinuedFraction(x));
    }

    /// <summary>log erfc(x), finite for every finite x.</summary>
    public static double LogErfc(double x) => x >= 2 ? LogErfcContinuedFraction(x) : Math.Log(Erfc(x));

    /// <summary>erf(x) = 2/√π e^{−x²} Σ 2ⁿ x^{2n+1}/(2n+1)!!, a series of positive terms (no cancellation).</summary>
    private static double ErfSeries(double x)
    {
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum)
            {
                break;
            }
        }

        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
    }

    /// <summary>log erfc(x) for x ≥ 2 from the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).</summary>
    private static double LogErfcContinuedFraction(double x)
    {
        // Modified Lentz on f = x + K(k/2 / x).
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double an = 0.5 * k;
            d = x + an * d;
            if (Math.Abs(d) < tiny) { d = tiny; }
            c = x + an / c;
            if (Math.Abs(c) < tiny) { c = tiny; }
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return -x * x - LogSqrtPi - Math.Log(f);
    }
}
