namespace MLExtensions;

/// <summary>
/// Penalized logistic regression by iteratively reweighted least squares: each Newton step is a weighted elastic-net problem on a
/// weighted Gram matrix, solved exactly by <see cref="ActiveSetElasticNet"/>, with step halving when the objective would rise.
/// Objective: Σ logloss(y_i, b + x_i·w) + l1 ||w||₁ + 0.5 l2 ||w||² (l1 = alpha·l1Ratio·n, l2 = alpha·(1 − l1Ratio)·n, so alpha is
/// per-row like glmnet's lambda).
/// </summary>
internal static class LogisticElasticNet
{
    /// <summary>Fits on row-major rows (already scaled) in place from the warm start (w, b); returns the Newton steps taken.</summary>
    public static int Fit(double[][] rows, double[] y, double alpha, double l1Ratio, double[] w, ref double b, int maxSteps = 50)
    {
        int n = rows.Length, p = w.Length;
        double l1 = alpha * l1Ratio * n, l2 = alpha * (1 - l1Ratio) * n;
        var eta = new double[n];
        var v = new double[n];
        var z = new double[n];
        var gram = new double[p * p];
        var q = new double[p];
        var mx = new double[p];
        double current = Objective(rows, y, w, b, l1, l2, eta);
        int step = 0;
        for (; step < maxSteps; step++)
        {
            double sv = 0, mz = 0;
            Array.Clear(mx);
            for (int i = 0; i < n; i++)
            {
                double prob = StackingModel.Sigmoid(eta[i]);
                v[i] = Math.Max(prob * (1 - prob), 1e-6);
                z[i] = eta[i] + (y[i] - prob) / v[i];
                sv += v[i];
                mz += v[i] * z[i];
                for (int j = 0; j < p; j++)
                {
                    mx[j] += v[i] * rows[i][j];
                }
            }

            mz /= sv;
            for (int j = 0; j < p; j++)
            {
                mx[j] /= sv;
            }

            Array.Clear(gram);
            Array.Clear(q);
            var centered = new double[p];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    centered[j] = rows[i][j] - mx[j];
                }

                double zi = z[i] - mz;
                for (int j = 0; j < p; j++)
                {
                    double vx = v[i] * centered[j];
                    q[j] += vx * zi;
                    var row = new Span<double>(gram, j * p, p);
                    for (int k = j; k < p; k++)
                    {
                        row[k] += vx * centered[k];
                    }
                }
            }

            for (int j = 0; j < p; j++)
            {
                for (int k = 0; k < j; k++)
                {
                    gram[j * p + k] = gram[k * p + j];
                }
            }

            var target = (double[])w.Clone();
            ActiveSetElasticNet.Solve(gram, q, l1, l2, target);
            double targetB = mz;
            for (int j = 0; j < p; j++)
            {
                targetB -= mx[j] * target[j];
            }

            // Step halving on the true objective.
            var oldW = (double[])w.Clone();
            double oldB = b, t = 1.0, next = double.PositiveInfinity;
            for (int halving = 0; halving < 20; halving++)
            {
                for (int j = 0; j < p; j++)
                {
                    w[j] = oldW[j] + t * (target[j] - oldW[j]);
                }

                b = oldB + t * (targetB - oldB);
                next = Objective(rows, y, w, b, l1, l2, eta);
                if (next <= current + 1e-12 * Math.Abs(current))
                {
                    break;
                }

                t *= 0.5;
            }

            if (next > current + 1e-12 * Math.Abs(current))
            {
                Array.Copy(oldW, w, p);
                b = oldB;
                Objective(rows, y, w, b, l1, l2, eta);
                return step + 1;
            }

            double change = Math.Abs(b - oldB);
            for (int j = 0; j < p; j++)
            {
                change = Math.Max(change, Math.Abs(w[j] - oldW[j]));
            }

            bool done = current - next <= 1e-10 * Math.Abs(next) || change < 1e-9;
            current = next;
            if (done)
            {
                return step + 1;
            }
        }

        return step;
    }

    /// <summary>Σ logloss + penalties; also writes the linear predictor into <paramref name="eta"/>.</summary>
    private static double Objective(double[][] rows, double[] y, double[] w, double b, double l1, double l2, double[] eta)
    {
        double total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            double e = b;
            var row = rows[i];
            for (int j = 0; j < w.Length; j++)
            {
                e += row[j] * w[j];
            }

            eta[i] = e;
            total += LogLoss(y[i], e);
        }

        foreach (var wj in w)
        {
            total += l1 * Math.Abs(wj) + 0.5 * l2 * wj * wj;
        }

        return total;
    }

    /// <summary>-log p(y | eta) computed stably.</summary>
    public static double LogLoss(double y, double eta) =>
        y * Softplus(-eta) + (1 - y) * Softplus(eta);

    private static double Softplus(double x) => x > 0 ? x + double.LogP1(Math.Exp(-x)) : double.LogP1(Math.Exp(x));
}
