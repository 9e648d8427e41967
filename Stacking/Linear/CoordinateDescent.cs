namespace MLExtensions;

/// <summary>
/// Covariance-update cyclic coordinate descent for the elastic net on a Gram matrix, the same iteration, stopping rule (largest
/// coefficient change relative to the largest coefficient below <c>tol</c>, then a duality gap below <c>tol * ||y||^2</c>) and
/// scaling as scikit-learn's <c>enet_coordinate_descent_gram</c>, so warm-started paths reproduce its Lasso/ElasticNet(CV) results.
/// </summary>
internal static class CoordinateDescent
{
    /// <summary>
    /// Minimizes 0.5 w^T Q w - q^T w + l1 ||w||_1 + 0.5 l2 ||w||^2 (Q = Xc^T Xc, q = Xc^T yc, yNorm2 = yc^T yc), updating
    /// <paramref name="w"/> in place from its current value (warm start). Returns the iterations used.
    /// </summary>
    public static int Solve(double[] q2, double[] q, double yNorm2, double l1, double l2, double[] w, int maxIterations, double tolerance)
    {
        int p = q.Length;
        var h = new double[p];
        for (int i = 0; i < p; i++)
        {
            if (w[i] != 0)
            {
                Axpy(w[i], q2, i * p, h);
            }
        }

        double dwTol = tolerance;
        double tol = tolerance * yNorm2;
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            double wMax = 0, dwMax = 0;
            for (int ii = 0; ii < p; ii++)
            {
                double qii = q2[ii * p + ii];
                if (qii == 0.0)
                {
                    continue;
                }

                double wii = w[ii];
                if (wii != 0.0)
                {
                    Axpy(-wii, q2, ii * p, h);
                }

                double tmp = q[ii] - h[ii];
                double updated = Math.Sign(tmp) * Math.Max(Math.Abs(tmp) - l1, 0) / (qii + l2);
                w[ii] = updated;
                if (updated != 0.0)
                {
                    Axpy(updated, q2, ii * p, h);
                }

                double dw = Math.Abs(updated - wii);
                if (dw > dwMax)
                {
                    dwMax = dw;
                }

                if (Math.Abs(updated) > wMax)
                {
                    wMax = Math.Abs(updated);
                }
            }

            if (wMax == 0.0 || dwMax / wMax < dwTol || iteration == maxIterations - 1)
            {
                if (DualityGap(q, h, w, yNorm2, l1, l2) < tol)
                {
                    return iteration + 1;
                }
            }
        }

        return iteration;
    }

    private static double DualityGap(double[] q, double[] h, double[] w, double yNorm2, double l1, double l2)
    {
        int p = q.Length;
        double qDotW = 0, wh = 0, wNorm2 = 0, l1Norm = 0, dualNorm = 0;
        for (int i = 0; i < p; i++)
        {
            qDotW += w[i] * q[i];
            wh += w[i] * h[i];
            wNorm2 += w[i] * w[i];
            l1Norm += Math.Abs(w[i]);
            double xta = q[i] - h[i] - l2 * w[i];
            dualNorm = Math.Max(dualNorm, Math.Abs(xta));
        }

        double rNorm2 = yNorm2 + wh - 2.0 * qDotW;
        double constant, gap;
        if (dualNorm > l1)
        {
            constant = l1 / dualNorm;
            gap = 0.5 * (rNorm2 + rNorm2 * constant * constant);
        }
        else
        {
            constant = 1.0;
            gap = rNorm2;
        }

        return gap + l1 * l1Norm - constant * yNorm2 + constant * qDotW + 0.5 * l2 * (1 + constant * constant) * wNorm2;
    }

    private static void Axpy(double a, double[] matrix, int offset, double[] target)
    {
        var row = new ReadOnlySpan<double>(matrix, offset, target.Length);
        for (int j = 0; j < target.Length; j++)
        {
            target[j] += a * row[j];
        }
    }
}
