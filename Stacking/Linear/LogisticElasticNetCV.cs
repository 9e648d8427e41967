namespace MLExtensions;

/// <summary>
/// The inner search of the logistic meta-models: standardize with the statistics of the training rows, pick (alpha, l1 ratio) by
/// the held-out log-loss pooled over inner folds (warm-started along descending alphas), then refit on all training rows and fold
/// the scaling back into raw-scale coefficients.
/// </summary>
internal static class LogisticElasticNetCV
{
    /// <summary>The refit model, the chosen strength and l1 ratio, and the pooled held-out log-loss per ratio and alpha.</summary>
    public sealed record Result(LinearModel Model, double Alpha, double L1Ratio, double[][] LossPath);

    /// <summary>
    /// Searches <paramref name="alphas"/> × <paramref name="ratios"/> on the rows <paramref name="trainIdx"/> of
    /// <paramref name="rows"/>; <paramref name="inner"/> gives each row's inner fold (0 … <paramref name="innerFolds"/> − 1).
    /// The loss path is indexed [ratio][alpha] with alphas in the given order.
    /// </summary>
    public static Result Fit(double[][] rows, double[] y, int[] trainIdx, int[] inner, int innerFolds, double[] alphas, double[] ratios)
    {
        int p = rows[0].Length;
        var (mean, scale) = Standardization(rows, trainIdx);
        double[][] Scaled(IEnumerable<int> idx) => idx.Select(i => rows[i].Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();

        var order = Enumerable.Range(0, alphas.Length).OrderByDescending(a => alphas[a]).ToArray();
        var path = new double[ratios.Length][];
        double bestLoss = double.PositiveInfinity, bestAlpha = alphas[order[0]], bestRatio = ratios[0];
        for (int r = 0; r < ratios.Length; r++)
        {
            var loss = new double[alphas.Length];
            for (int g = 0; g < innerFolds; g++)
            {
                int fold = g;
                var fitRows = trainIdx.Where(i => inner[i] != fold).ToArray();
                var testRows = trainIdx.Where(i => inner[i] == fold).ToArray();
                if (testRows.Length == 0)
                {
                    continue; // user folds serve as outer and inner folds: the excluded outer fold has no rows here
                }

                var xFit = Scaled(fitRows);
                var yFit = fitRows.Select(i => y[i]).ToArray();
                var xTest = Scaled(testRows);
                var w = new double[p];
                double b = Logit(yFit.Average());
                foreach (int a in order)
                {
                    LogisticElasticNet.Fit(xFit, yFit, alphas[a], ratios[r], w, ref b);
                    for (int t = 0; t < testRows.Length; t++)
                    {
                        double eta = b;
                        for (int j = 0; j < p; j++)
                        {
                            eta += w[j] * xTest[t][j];
                        }

                        loss[a] += LogisticElasticNet.LogLoss(y[testRows[t]], eta) / trainIdx.Length;
                    }
                }
            }

            path[r] = loss;
            foreach (int a in order)
            {
                if (loss[a] < bestLoss)
                {
                    bestLoss = loss[a];
                    bestAlpha = alphas[a];
                    bestRatio = ratios[r];
                }
            }
        }

        var xAll = Scaled(trainIdx);
        var yAll = trainIdx.Select(i => y[i]).ToArray();
        var weights = new double[p];
        double intercept = Logit(yAll.Average());
        LogisticElasticNet.Fit(xAll, yAll, bestAlpha, bestRatio, weights, ref intercept, maxSteps: 100);
        var raw = new double[p];
        for (int j = 0; j < p; j++)
        {
            raw[j] = weights[j] / scale[j];
            intercept -= raw[j] * mean[j];
        }

        return new Result(new LinearModel(raw, intercept), bestAlpha, bestRatio, path);
    }

    /// <summary>Column means and population standard deviations over <paramref name="idx"/> (1 for a constant column).</summary>
    private static (double[] Mean, double[] Scale) Standardization(double[][] rows, int[] idx)
    {
        int p = rows[0].Length;
        var mean = new double[p];
        var scale = new double[p];
        foreach (int i in idx)
        {
            for (int j = 0; j < p; j++)
            {
                mean[j] += rows[i][j];
            }
        }

        for (int j = 0; j < p; j++)
        {
            mean[j] /= idx.Length;
        }

        foreach (int i in idx)
        {
            for (int j = 0; j < p; j++)
            {
                scale[j] += (rows[i][j] - mean[j]) * (rows[i][j] - mean[j]);
            }
        }

        for (int j = 0; j < p; j++)
        {
            double sd = Math.Sqrt(scale[j] / idx.Length);
            scale[j] = sd > 1e-12 ? sd : 1.0;
        }

        return (mean, scale);
    }

    /// <summary>The log-odds of a base rate, clamped away from 0 and 1 (the intercept's warm start).</summary>
    private static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(p / (1 - p));
    }
}
