namespace MLExtensions;

/// <summary>
/// Sufficient statistics of a set of rows for least-squares problems: count, sums, X^T X, X^T y and y^T y, all on data shifted by a
/// fixed vector (the global column means) so that centering by subtraction loses little precision. Statistics of disjoint row sets add,
/// so a K-fold split needs one pass over the data: the training statistics of a fold are the sum of the other folds' statistics.
/// </summary>
internal sealed class CrossProducts
{
    public CrossProducts(int features)
    {
        Features = features;
        SumX = new double[features];
        Xtx = new double[features * features];
        Xty = new double[features];
    }

    public int Features { get; }
    public double Count { get; private set; }
    public double[] SumX { get; }
    public double SumY { get; private set; }
    public double Yty { get; private set; }
    /// <summary>Row-major p x p, full (both triangles).</summary>
    public double[] Xtx { get; }
    public double[] Xty { get; }

    public void Add(CrossProducts other)
    {
        Count += other.Count;
        SumY += other.SumY;
        Yty += other.Yty;
        for (int i = 0; i < Features; i++)
        {
            SumX[i] += other.SumX[i];
            Xty[i] += other.Xty[i];
        }

        for (int i = 0; i < Xtx.Length; i++)
        {
            Xtx[i] += other.Xtx[i];
        }
    }

    /// <summary>Sum of the statistics of the given groups.</summary>
    public static CrossProducts Sum(IReadOnlyList<CrossProducts> groups, Func<int, bool> include)
    {
        var result = new CrossProducts(groups[0].Features);
        for (int g = 0; g < groups.Count; g++)
        {
            if (include(g))
            {
                result.Add(groups[g]);
            }
        }

        return result;
    }

    /// <summary>
    /// Computes per-group statistics of column-major data in one pass. <paramref name="group"/> maps a row to its group (negative: skip).
    /// </summary>
    public static CrossProducts[] FromColumns(
        IReadOnlyList<double[]> columns, double[] y, double[] shiftX, double shiftY, int[] group, int groups)
    {
        int p = columns.Count;
        int n = y.Length;
        var result = new CrossProducts[groups];
        for (int g = 0; g < groups; g++)
        {
            result[g] = new CrossProducts(p);
        }

        // Process rows in blocks: copy a shifted block row-major, then accumulate the upper triangle with contiguous inner loops.
        const int Block = 256;
        var buffer = new double[Block * (p + 1)];
        var rowsOfGroup = new int[Block];
        int start = 0;
        while (start < n)
        {
            int end = Math.Min(n, start + Block);
            for (int g = 0; g < groups; g++)
            {
                int count = 0;
                for (int r = start; r < end; r++)
                {
                    if (group[r] == g)
                    {
                        rowsOfGroup[count++] = r;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                for (int c = 0; c < count; c++)
                {
                    int r = rowsOfGroup[c];
                    int o = c * (p + 1);
                    for (int j = 0; j < p; j++)
                    {
                        buffer[o + j] = columns[j][r] - shiftX[j];
                    }

                    buffer[o + p] = y[r] - shiftY;
                }

                result[g].Accumulate(buffer, count);
            }

            start = end;
        }

        foreach (var cp in result)
        {
            cp.Symmetrize();
        }

        return result;
    }

    /// <summary>Computes the statistics of row-major data with <paramref name="include"/> selecting rows.</summary>
    public static CrossProducts FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<double> y, double[] shiftX, double shiftY, Func<int, bool> include)
    {
        int p = shiftX.Length;
        var result = new CrossProducts(p);
        var buffer = new double[p + 1];
        for (int r = 0; r < rows.Count; r++)
        {
            if (!include(r))
            {
                continue;
            }

            for (int j = 0; j < p; j++)
            {
                buffer[j] = rows[r][j] - shiftX[j];
            }

            buffer[p] = y[r] - shiftY;
            result.Accumulate(buffer, 1);
        }

        result.Symmetrize();
        return result;
    }

    /// <summary>Adds rows stored as [x_0..x_{p-1}, y] blocks (upper triangle of X^T X only).</summary>
    private void Accumulate(double[] buffer, int count)
    {
        int p = Features;
        int stride = p + 1;
        for (int c = 0; c < count; c++)
        {
            var row = new ReadOnlySpan<double>(buffer, c * stride, stride);
            double yv = row[p];
            Count += 1;
            SumY += yv;
            Yty += yv * yv;
            for (int i = 0; i < p; i++)
            {
                double xi = row[i];
                SumX[i] += xi;
                Xty[i] += xi * yv;
                var target = new Span<double>(Xtx, i * p + i, p - i);
                var source = row.Slice(i, p - i);
                for (int j = 0; j < target.Length; j++)
                {
                    target[j] += xi * source[j];
                }
            }
        }
    }

    private void Symmetrize()
    {
        int p = Features;
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Xtx[i * p + j] = Xtx[j * p + i];
            }
        }
    }

    /// <summary>The centered problem of these rows, optionally standardized (population standard deviation, 1 for constant columns).</summary>
    public CenteredProblem Center(bool standardize) => Center(standardize, null);

    /// <summary>Population standard deviations of the columns of these rows (1 for constant columns), as StandardScaler computes them.</summary>
    public double[] StandardDeviations()
    {
        int p = Features;
        var scale = new double[p];
        for (int i = 0; i < p; i++)
        {
            double mean = SumX[i] / Count;
            double variance = (Xtx[i * p + i] - Count * mean * mean) / Count;
            scale[i] = variance > 1e-14 * (Math.Abs(mean) + 1) * (Math.Abs(mean) + 1) ? Math.Sqrt(variance) : 1.0;
        }

        return scale;
    }

    /// <summary>
    /// The centered problem of these rows; with <paramref name="fixedScale"/> the columns are divided by that scale (for example a
    /// StandardScaler fitted on a larger training set), else standardized by their own deviations when <paramref name="standardize"/>.
    /// </summary>
    public CenteredProblem Center(bool standardize, double[]? fixedScale)
    {
        standardize |= fixedScale is not null;
        int p = Features;
        double n = Count;
        var meanX = new double[p];
        for (int i = 0; i < p; i++)
        {
            meanX[i] = SumX[i] / n;
        }

        double meanY = SumY / n;
        var gram = new double[p * p];
        var xy = new double[p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                gram[i * p + j] = Xtx[i * p + j] - n * meanX[i] * meanX[j];
            }

            xy[i] = Xty[i] - n * meanX[i] * meanY;
        }

        double yy = Yty - n * meanY * meanY;
        var scale = new double[p];
        for (int i = 0; i < p; i++)
        {
            double variance = gram[i * p + i] / n;
            scale[i] = fixedScale is not null ? fixedScale[i] : standardize && variance > 0 ? Math.Sqrt(variance) : 1.0;
            if (standardize && !(variance > 1e-14 * (Math.Abs(meanX[i]) + 1) * (Math.Abs(meanX[i]) + 1)))
            {
                // A constant column: scikit-learn's StandardScaler leaves it unscaled; its centered Gram row is (numerically) zero.
                scale[i] = 1.0;
                for (int j = 0; j < p; j++)
                {
                    gram[i * p + j] = 0;
                    gram[j * p + i] = 0;
                }

                xy[i] = 0;
            }
        }

        if (standardize)
        {
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    gram[i * p + j] /= scale[i] * scale[j];
                }

                xy[i] /= scale[i];
            }
        }

        return new CenteredProblem(n, gram, xy, Math.Max(yy, 0), meanX, meanY, scale);
    }

    /// <summary>Sum of squared residuals of the model (shifted coordinates: y' = b + x'·w) on these rows.</summary>
    public double ResidualSumOfSquares(double[] w, double intercept)
    {
        int p = Features;
        double quad = 0;
        for (int i = 0; i < p; i++)
        {
            double row = 0;
            for (int j = 0; j < p; j++)
            {
                row += Xtx[i * p + j] * w[j];
            }

            quad += w[i] * row;
        }

        double wXy = 0, wSx = 0;
        for (int i = 0; i < p; i++)
        {
            wXy += w[i] * Xty[i];
            wSx += w[i] * SumX[i];
        }

        double rss = Yty - 2 * intercept * SumY - 2 * wXy + Count * intercept * intercept + 2 * intercept * wSx + quad;
        return Math.Max(rss, 0);
    }
}
