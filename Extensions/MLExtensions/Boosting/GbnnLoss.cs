
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

    /// <summary>The constant score boosting starts from, every row weighing 1.</summary>
    public static double[] InitialScore(PredictionTask task, double[] y, int k) => InitialScore(task, y, null, k);

    /// <summary>The constant score boosting starts from: the (weighted) mean, half the log-odds, or 0 per class.</summary>
    public static double[] InitialScore(PredictionTask task, double[] y, double[]? w, int k)
    {
        switch (task)
        {
            case PredictionTask.Regression:
                return [WeightedMean(y, w)];
            case PredictionTask.BinaryClassification:
                double mean = WeightedMean(y, w);
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
                    Softmax(f.AsSpan(i * k, k), p);
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
    public static double NewtonStep(PredictionTask task, double[] y, double[] f, double[] h, double[] r, int k) => NewtonStep(task, y, null, f, h, r, k);

    /// <summary>As the unweighted overload, each row's terms weighed by <paramref name="w"/> (<c>null</c>: 1).</summary>
    public static double NewtonStep(PredictionTask task, double[] y, double[]? w, double[] f, double[] h, double[] r, int k)
    {
        double numerator = 0, denominator = 0;
        switch (task)
        {
            case PredictionTask.Regression:
                return 1;
            case PredictionTask.BinaryClassification:
                for (int i = 0; i < y.Length; i++)
                {
                    double wi = w?[i] ?? 1;
                    numerator += wi * r[i] * h[i];
                    denominator += wi * r[i] * h[i] * h[i] * (2 * y[i] - r[i]);
                }

                break;
            default:
                var p = new double[k];
                for (int i = 0; i < y.Length; i++)
                {
                    Softmax(f.AsSpan(i * k, k), p);
                    double wi = w?[i] ?? 1;
                    for (int c = 0; c < k; c++)
                    {
                        double hc = h[i * k + c];
                        numerator += wi * hc * r[i * k + c];
                        denominator += wi * hc * hc * p[c] * (1 - p[c]);
                    }
                }

                break;
        }

        return Math.Abs(denominator) < DenominatorFloor ? 1 : numerator / denominator;
    }

    /// <summary>The mean loss at scores <paramref name="f"/> (squared error for regression), every row weighing 1.</summary>
    public static double MeanLoss(PredictionTask task, double[] y, double[] f, int k) => MeanLoss(task, y, null, f, k);

    /// <summary>The weighted mean loss at scores <paramref name="f"/>: Σ wᵢ·lossᵢ / Σ wᵢ (<paramref name="w"/> <c>null</c>: every row weighs 1).</summary>
    public static double MeanLoss(PredictionTask task, double[] y, double[]? w, double[] f, int k)
    {
        double total = 0, weightSum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double wi = w?[i] ?? 1;
            weightSum += wi;
            if (wi != 0) total += wi * RowLoss(task, y[i], f.AsSpan(i * k, k));
        }

        return total / weightSum;
    }

    private static double RowLoss(PredictionTask task, double y, ReadOnlySpan<double> row)
    {
        switch (task)
        {
            case PredictionTask.Regression:
                return (y - row[0]) * (y - row[0]);
            case PredictionTask.BinaryClassification:
                double margin = -2 * y * row[0];
                return margin > 0 ? margin + Math.Log(1 + Math.Exp(-margin)) : Math.Log(1 + Math.Exp(margin));
            default:
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

                return max + Math.Log(sum) - row[(int)y];
        }
    }

    private static double WeightedMean(double[] y, double[]? w)
    {
        if (w is null) return y.Average();
        double sum = 0, weightSum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += w[i] * y[i];
            weightSum += w[i];
        }

        return sum / weightSum;
    }

    private static void Softmax(ReadOnlySpan<double> scores, double[] p)
    {
        double max = double.NegativeInfinity;
        foreach (double v in scores)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        for (int c = 0; c < scores.Length; c++)
        {
            sum += p[c] = Math.Exp(scores[c] - max);
        }

        for (int c = 0; c < scores.Length; c++)
        {
            p[c] /= sum;
        }
    }
}
