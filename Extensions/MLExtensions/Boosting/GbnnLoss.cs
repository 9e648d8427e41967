
namespace MLExtensions;

/// <summary>
/// The losses GBNN boosts, on raw scores F (row-major, <c>k</c> per row): initial score, pseudo-residuals (the negative
/// gradient), the Newton step length of a new learner's outputs, and the mean loss. Labels: regression value, binary ±1,
/// multiclass 0-based class index.
/// </summary>
/// <remarks>
/// Regression: squared error, F0 = mean(y), r = y − F, no line search. Binary: log(1 + exp(−2yF)) (so P(y = 1) = sigmoid(2F)),
/// F0 = ½ log((1 + ȳ)/(1 − ȳ)), r = 2y/(1 + exp(2yF)). Multiclass: softmax cross-entropy, F0 = 0, r = Y − softmax(F), and one
/// Newton step for all classes (diagonal Hessian).
/// </remarks>
internal static class GbnnLoss
{
    /// <summary>Below this |denominator| the Newton step falls back to 1 (a learner that predicts 0, or saturated probabilities).</summary>
    private const double DenominatorFloor = 1e-12;

    public static double[] InitialScore(PredictionTask task, double[] y, int k)
    {
        switch (task)
        {
            case PredictionTask.Regression:
                return [y.Average()];
            case PredictionTask.BinaryClassification:
                double mean = y.Average();
                return [0.5 * Math.Log((1 + mean) / (1 - mean))];
            default:
                return new double[k];
        }
    }

    /// <summary>Writes the negative gradient of the loss at <paramref name="f"/> into <paramref name="r"/>.</summary>
    public static void Residuals(PredictionTask task, double[] y, double[] f, int k, double[] r)
    {
        int n = y.Length;
        switch (task)
        {
            case PredictionTask.Regression:
                for (int i = 0; i < n; i++)
                {
                    r[i] = y[i] - f[i];
                }

                break;
            case PredictionTask.BinaryClassification:
                for (int i = 0; i < n; i++)
                {
                    r[i] = 2 * y[i] / (1 + Math.Exp(2 * y[i] * f[i]));
                }

                break;
            default:
                var p = new double[k];
                for (int i = 0; i < n; i++)
                {
                    ScoreMath.Softmax<double>(f.AsSpan(i * k, k), p);
                    for (int c = 0; c < k; c++)
                    {
                        r[i * k + c] = (c == (int)y[i] ? 1 : 0) - p[c];
                    }
                }

                break;
        }
    }

    /// <summary>
    /// The Newton step length of the learner outputs <paramref name="h"/> at scores <paramref name="f"/> with residuals
    /// <paramref name="r"/> (1 for regression; 1 when the curvature vanishes).
    /// </summary>
    public static double NewtonStep(PredictionTask task, double[] y, double[] f, double[] h, double[] r, int k)
    {
        double numerator = 0, denominator = 0;
        switch (task)
        {
            case PredictionTask.Regression:
                return 1;
            case PredictionTask.BinaryClassification:
                for (int i = 0; i < y.Length; i++)
                {
                    numerator += r[i] * h[i];
                    denominator += r[i] * h[i] * h[i] * (2 * y[i] - r[i]);
                }

                break;
            default:
                var p = new double[k];
                for (int i = 0; i < y.Length; i++)
                {
                    ScoreMath.Softmax<double>(f.AsSpan(i * k, k), p);
                    for (int c = 0; c < k; c++)
                    {
                        double hc = h[i * k + c];
                        numerator += hc * r[i * k + c];
                        denominator += hc * hc * p[c] * (1 - p[c]);
                    }
                }

                break;
        }

        return Math.Abs(denominator) < DenominatorFloor ? 1 : numerator / denominator;
    }

    /// <summary>The mean loss at scores <paramref name="f"/> (squared error for regression).</summary>
    public static double MeanLoss(PredictionTask task, double[] y, double[] f, int k)
    {
        double total = 0;
        int n = y.Length;
        for (int i = 0; i < n; i++)
        {
            switch (task)
            {
                case PredictionTask.Regression:
                    total += (y[i] - f[i]) * (y[i] - f[i]);
                    break;
                case PredictionTask.BinaryClassification:
                    double margin = -2 * y[i] * f[i];
                    total += margin > 0 ? margin + Math.Log(1 + Math.Exp(-margin)) : Math.Log(1 + Math.Exp(margin));
                    break;
                default:
                    var row = f.AsSpan(i * k, k);
                    double max = double.NegativeInfinity;
                    foreach (double v in row)
                    {
                        max = Math.Max(max, v);
                    }

                    double sum = 0;
                    foreach (double v in row)
                    {
                        sum += Math.Exp(v - max);
                    }

                    total += max + Math.Log(sum) - row[(int)y[i]];
                    break;
            }
        }

        return total / n;
    }
}
