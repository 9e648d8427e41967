
namespace MLExtensions;

/// <summary>Which columns the redundancy filter correlates.</summary>
public enum CorrelationBasis
{
    /// <summary>
    /// Residuals y − p (default). Good base models agree with the target and hence with each other: on the diamonds zoo every pair
    /// of raw prediction columns correlates at 0.968 or more, so a 0.95 threshold on predictions keeps one model. Two models are
    /// redundant when they make the same <em>errors</em>, which is what residual correlation measures.
    /// </summary>
    Residuals,

    /// <summary>Raw predictions, as in the paper's code (<c>np.corrcoef(P)</c>).</summary>
    Predictions,
}

/// <summary>How the MSE and variance thresholds are scaled.</summary>
public enum ThresholdScale
{
    /// <summary>Relative to the target variance (default): a threshold t means t·Var(y), so results do not depend on the unit of y.</summary>
    RelativeToTargetVariance,

    /// <summary>Absolute, in squared target units (the paper code's <c>tau_mse=0.01</c>, <c>tau_var=0.01</c>).</summary>
    Absolute,
}

/// <summary>
/// Redundancy-aware projection (Mohammad &amp; Meherab 2026, Alg. 2): ranks base models by out-of-fold RMSE and walks them in that
/// order, dropping a model when some already-kept model is both highly correlated with it (≥ <see cref="Options.CorrelationThreshold"/>)
/// and close to it in mean squared difference (≤ <see cref="Options.MseThreshold"/>); then drops near-constant columns
/// (variance &lt; <see cref="Options.VarianceThreshold"/>). A constant column has an undefined (NaN) correlation, so it survives the
/// first pass and is removed by the variance filter, as in the reference code.
/// </summary>
public sealed class RedundancyProjector
{
    /// <summary>Settings of the projection.</summary>
    public sealed class Options
    {
        /// <summary>Default values.</summary>
        public static class Defaults
        {
            /// <summary>The paper's correlation threshold.</summary>
            public const double CorrelationThreshold = 0.95;

            /// <summary>The paper code's MSE threshold (here relative to Var(y) by default).</summary>
            public const double MseThreshold = 0.01;

            /// <summary>The paper code's variance threshold (here relative to Var(y) by default).</summary>
            public const double VarianceThreshold = 0.01;
        }

        /// <summary>Correlation at or above which two models may be redundant.</summary>
        /// <value>Default 0.95. In [-1, 1].</value>
        public double CorrelationThreshold { get; set; } = Defaults.CorrelationThreshold;

        /// <summary>Mean squared difference mean((p_k − p_j)²) at or below which two correlated models are redundant.</summary>
        /// <value>Default 0.01, scaled by <see cref="Scale"/>. At least 0.</value>
        public double MseThreshold { get; set; } = Defaults.MseThreshold;

        /// <summary>Variance of a prediction column below which it is dropped as near-constant.</summary>
        /// <value>Default 0.01, scaled by <see cref="Scale"/>. At least 0.</value>
        public double VarianceThreshold { get; set; } = Defaults.VarianceThreshold;

        /// <summary>Whether the thresholds are absolute or relative to Var(y).</summary>
        /// <value>Default <see cref="ThresholdScale.RelativeToTargetVariance"/>.</value>
        public ThresholdScale Scale { get; set; } = ThresholdScale.RelativeToTargetVariance;

        /// <summary>What is correlated.</summary>
        /// <value>Default <see cref="CorrelationBasis.Residuals"/>.</value>
        public CorrelationBasis Basis { get; set; } = CorrelationBasis.Residuals;

        /// <summary>A copy.</summary>
        /// <returns>A shallow copy (all members are values).</returns>
        public Options Clone() => (Options)MemberwiseClone();

        /// <summary>Checks the settings.</summary>
        public void Validate()
        {
            if (!(CorrelationThreshold >= -1 && CorrelationThreshold <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(CorrelationThreshold), CorrelationThreshold, "must be in [-1, 1].");
            }

            if (!(MseThreshold >= 0) || double.IsInfinity(MseThreshold))
            {
                throw new ArgumentOutOfRangeException(nameof(MseThreshold), MseThreshold, "must be a finite number >= 0.");
            }

            if (!(VarianceThreshold >= 0) || double.IsInfinity(VarianceThreshold))
            {
                throw new ArgumentOutOfRangeException(nameof(VarianceThreshold), VarianceThreshold, "must be a finite number >= 0.");
            }

            if (!Enum.IsDefined(Scale))
            {
                throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "must be RelativeToTargetVariance or Absolute.");
            }

            if (!Enum.IsDefined(Basis))
            {
                throw new ArgumentOutOfRangeException(nameof(Basis), Basis, "must be Residuals or Predictions.");
            }
        }
    }

    private readonly Options _options;

    /// <summary>Creates a projector with validated copies of the options.</summary>
    /// <param name="options">Settings; null for defaults.</param>
    public RedundancyProjector(Options? options = null)
    {
        _options = (options ?? new Options()).Clone();
        _options.Validate();
    }

    /// <summary>Runs the projection on out-of-fold predictions.</summary>
    /// <param name="predictions">Out-of-fold predictions, one column per base model.</param>
    /// <param name="label">The target, one value per row.</param>
    /// <returns>Which models are kept and why the others were dropped.</returns>
    public RedundancyReport Fit(PredictionMatrix predictions, IReadOnlyList<double> label)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var y = StackingData.CheckLabel(label, predictions.Rows);
        int k = predictions.Count, n = predictions.Rows;
        var stats = PairwiseStatistics.Compute(predictions, y);
        var rmse = stats.Rmse;
        var order = Enumerable.Range(0, k).OrderBy(i => rmse[i]).ThenBy(i => i).ToArray();
        double unit = _options.Scale == ThresholdScale.RelativeToTargetVariance ? stats.TargetVariance : 1.0;
        double mseLimit = _options.MseThreshold * unit, varLimit = _options.VarianceThreshold * unit;
        var kept = new List<int>();
        var duplicateOf = new Dictionary<int, int>();
        foreach (int candidate in order)
        {
            int twin = -1;
            foreach (int j in kept)
            {
                double corr = _options.Basis == CorrelationBasis.Residuals ? stats.ResidualCorrelation(candidate, j) : stats.PredictionCorrelation(candidate, j);
                if (corr >= _options.CorrelationThreshold && stats.MeanSquaredDifference(candidate, j) <= mseLimit)
                {
                    twin = j;
                    break;
                }
            }

            if (twin >= 0)
            {
                duplicateOf[candidate] = twin;
            }
            else
            {
                kept.Add(candidate);
            }
        }

        var constant = kept.Where(i => stats.Variance(i) < varLimit).ToArray();
        kept.RemoveAll(constant.Contains);
        if (kept.Count == 0)
        {
            // Never return an empty projection: keep the best model.
            kept.Add(order[0]);
            constant = constant.Where(i => i != order[0]).ToArray();
        }

        var keptInOrder = kept.ToArray();
        return new RedundancyReport(
            predictions.Names,
            keptInOrder,
            order,
            duplicateOf.Select(kv => new DroppedDuplicate(kv.Key, kv.Value)).OrderBy(d => Array.IndexOf(order, d.Model)).ToArray(),
            constant,
            rmse,
            stats.ConditionNumber(Enumerable.Range(0, k).ToArray()),
            stats.ConditionNumber(keptInOrder));
    }
}

/// <summary>A model dropped by the redundancy projection because of an already-kept twin.</summary>
/// <param name="Model">Index of the dropped model.</param>
/// <param name="KeptTwin">Index of the kept model it duplicates.</param>
public sealed record DroppedDuplicate(int Model, int KeptTwin);

/// <summary>Outcome of <see cref="RedundancyProjector.Fit"/>.</summary>
/// <param name="Names">All model names, in input order.</param>
/// <param name="Kept">Indices of kept models, in ascending-RMSE order.</param>
/// <param name="VisitOrder">The order of the greedy pass (ascending OOF RMSE, ties by index).</param>
/// <param name="Duplicates">Models dropped as redundant, with the twin that caused it.</param>
/// <param name="NearConstant">Models dropped by the variance filter.</param>
/// <param name="OutOfFoldRmse">OOF RMSE of every model, in input order.</param>
/// <param name="ConditionNumberBefore">2-norm condition number of the correlation matrix of all prediction columns (NaN if one is constant).</param>
/// <param name="ConditionNumberAfter">The same for the kept columns.</param>
public sealed record RedundancyReport(
    IReadOnlyList<string> Names, IReadOnlyList<int> Kept, IReadOnlyList<int> VisitOrder, IReadOnlyList<DroppedDuplicate> Duplicates,
    IReadOnlyList<int> NearConstant, IReadOnlyList<double> OutOfFoldRmse, double ConditionNumberBefore, double ConditionNumberAfter);

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
