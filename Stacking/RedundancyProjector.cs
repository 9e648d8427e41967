
namespace MLExtensions;

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
