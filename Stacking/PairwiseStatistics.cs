
namespace MLExtensions;

/// <summary>Means, covariances and RMSEs of the prediction columns and their residuals, from one Gram pass.</summary>
internal sealed class PairwiseStatistics
{
    private readonly CenteredProblem _centered;
    private readonly double[] _mean;

    private PairwiseStatistics(CenteredProblem centered, double[] mean, double[] rmse, double targetVariance)
    {
        _centered = centered;
        _mean = mean;
        Rmse = rmse;
        TargetVariance = targetVariance;
    }

    public double[] Rmse { get; }

    public double TargetVariance { get; }

    private int K => _mean.Length;

    private double N => _centered.Count;

    public static PairwiseStatistics Compute(PredictionMatrix predictions, double[] y)
    {
        int k = predictions.Count;
        var shift = predictions.Columns.Select(c => c.Average()).ToArray();
        double shiftY = y.Average();
        var cp = CrossProducts.FromColumns(predictions.Columns, y, shift, shiftY, new int[predictions.Rows], 1)[0];
        var centered = cp.Center(false);
        var mean = new double[k];
        var rmse = new double[k];
        for (int i = 0; i < k; i++)
        {
            mean[i] = shift[i] + centered.MeanX[i];
            double se = 0;
            var col = predictions.Columns[i];
            for (int r = 0; r < y.Length; r++)
            {
                double d = y[r] - col[r];
                se += d * d;
            }

            rmse[i] = Math.Sqrt(se / y.Length);
        }

        return new PairwiseStatistics(centered, mean, rmse, centered.Yy / centered.Count);
    }

    public double Covariance(int i, int j) => _centered.Gram[i * K + j] / N;

    public double Variance(int i) => Covariance(i, i);

    public double PredictionCorrelation(int i, int j) => Covariance(i, j) / Math.Sqrt(Variance(i) * Variance(j));

    /// <summary>Cov(y − p_i, y − p_j) = Var(y) − Cov(y, p_i) − Cov(y, p_j) + Cov(p_i, p_j).</summary>
    private double ResidualCovariance(int i, int j) => TargetVariance - _centered.Xy[i] / N - _centered.Xy[j] / N + Covariance(i, j);

    public double ResidualCorrelation(int i, int j) => ResidualCovariance(i, j) / Math.Sqrt(ResidualCovariance(i, i) * ResidualCovariance(j, j));

    /// <summary>mean((p_i − p_j)²) = Var(p_i − p_j) + (mean_i − mean_j)².</summary>
    public double MeanSquaredDifference(int i, int j)
    {
        double d = _mean[i] - _mean[j];
        return Math.Max(Variance(i) + Variance(j) - 2 * Covariance(i, j), 0) + d * d;
    }

    /// <summary>2-norm condition number of the correlation matrix of the given prediction columns (numpy's cond(corrcoef(P))).</summary>
    public double ConditionNumber(int[] columns)
    {
        int m = columns.Length;
        var corr = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++)
            {
                corr[a * m + b] = a == b ? 1.0 : PredictionCorrelation(columns[a], columns[b]);
                if (double.IsNaN(corr[a * m + b]) || (a == b && Variance(columns[a]) <= 0))
                {
                    return double.NaN;
                }
            }
        }

        var eig = DenseSolvers.SymmetricEigenvalues(corr, m);
        double max = eig.Max(Math.Abs), min = eig.Min(Math.Abs);
        return min > 0 ? max / min : double.PositiveInfinity;
    }
}
