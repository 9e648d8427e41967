namespace MLExtensions;

/// <summary>Small dense solvers on row-major p x p matrices (double precision throughout).</summary>
internal static class DenseSolvers
{
    /// <summary>Solves (A + ridge I) x = b for symmetric positive (semi)definite A by Cholesky; returns null if not positive definite.</summary>
    public static double[]? SolveCholesky(double[] a, double[] b, double ridge)
    {
        int p = b.Length;
        var l = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * p + j] + (i == j ? ridge : 0);
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i * p + k] * l[j * p + k];
                }

                if (i == j)
                {
                    if (!(sum > 0))
                    {
                        return null;
                    }

                    l[i * p + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * p + j] = sum / l[j * p + j];
                }
            }
        }

        var x = new double[p];
        for (int i = 0; i < p; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++)
            {
                sum -= l[i * p + k] * x[k];
            }

            x[i] = sum / l[i * p + i];
        }

        for (int i = p - 1; i >= 0; i--)
        {
            double sum = x[i];
            for (int k = i + 1; k < p; k++)
            {
                sum -= l[k * p + i] * x[k];
            }

            x[i] = sum / l[i * p + i];
        }

        return x;
    }

    /// <summary>Solves (A + ridge I) x = b by Gaussian elimination with partial pivoting (fallback for singular Cholesky), least-norm-ish.</summary>
    public static double[] SolveGeneral(double[] a, double[] b, double ridge)
    {
        int p = b.Length;
        var m = new double[p * (p + 1)];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                m[i * (p + 1) + j] = a[i * p + j] + (i == j ? ridge : 0);
            }

            m[i * (p + 1) + p] = b[i];
        }

        var x = new double[p];
        var pivotOf = new int[p];
        for (int col = 0, row = 0; col < p; col++)
        {
            int best = -1;
            double bestAbs = 1e-300;
            for (int r = row; r < p; r++)
            {
                double v = Math.Abs(m[r * (p + 1) + col]);
                if (v > bestAbs)
                {
                    bestAbs = v;
                    best = r;
                }
            }

            pivotOf[col] = -1;
            if (best < 0)
            {
                continue;
            }

            for (int j = 0; j <= p; j++)
            {
                (m[row * (p + 1) + j], m[best * (p + 1) + j]) = (m[best * (p + 1) + j], m[row * (p + 1) + j]);
            }

            for (int r = 0; r < p; r++)
            {
                if (r == row)
                {
                    continue;
                }

                double f = m[r * (p + 1) + col] / m[row * (p + 1) + col];
                if (f == 0)
                {
                    continue;
                }

                for (int j = col; j <= p; j++)
                {
                    m[r * (p + 1) + j] -= f * m[row * (p + 1) + j];
                }
            }

            pivotOf[col] = row;
            row++;
        }

        for (int col = 0; col < p; col++)
        {
            int r = pivotOf[col];
            x[col] = r < 0 ? 0 : m[r * (p + 1) + p] / m[r * (p + 1) + col];
        }

        return x;
    }

    /// <summary>Eigenvalues of a symmetric matrix by the cyclic Jacobi method (ascending).</summary>
    public static double[] SymmetricEigenvalues(double[] matrix, int p)
    {
        var a = (double[])matrix.Clone();
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    double v = a[i * p + j] * a[i * p + j];
                    total += v;
                    if (i != j)
                    {
                        off += v;
                    }
                }
            }

            if (off <= 1e-30 * total || off == 0)
            {
                break;
            }

            for (int pi = 0; pi < p - 1; pi++)
            {
                for (int q = pi + 1; q < p; q++)
                {
                    double apq = a[pi * p + q];
                    if (Math.Abs(apq) < 1e-300)
                    {
                        continue;
                    }

                    double app = a[pi * p + pi], aqq = a[q * p + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < p; k++)
                    {
                        double akp = a[k * p + pi], akq = a[k * p + q];
                        a[k * p + pi] = c * akp - s * akq;
                        a[k * p + q] = s * akp + c * akq;
                    }

                    for (int k = 0; k < p; k++)
                    {
                        double apk = a[pi * p + k], aqk = a[q * p + k];
                        a[pi * p + k] = c * apk - s * aqk;
                        a[q * p + k] = s * apk + c * aqk;
                    }
                }
            }
        }

        var eig = new double[p];
        for (int i = 0; i < p; i++)
        {
            eig[i] = a[i * p + i];
        }

        Array.Sort(eig);
        return eig;
    }
}
