namespace MLExtensions;

/// <summary>
/// Ridge, Lasso and ElasticNet regression with an intercept and their K-fold cross-validated variants, written to reproduce
/// scikit-learn 1.2's <c>Ridge</c>, <c>Lasso</c>, <c>ElasticNet</c>, <c>RidgeCV(cv=folds)</c>, <c>LassoCV</c> and
/// <c>ElasticNetCV</c> (same objectives, same coordinate-descent iteration and duality-gap stopping rule, same alpha choice).
/// </summary>
/// <remarks>
/// Objectives: Ridge <c>||y - Xw - b||² + alpha ||w||²</c>; Lasso <c>(1/(2n)) ||y - Xw - b||² + alpha ||w||₁</c>; ElasticNet
/// <c>(1/(2n)) ||y - Xw - b||² + alpha l1Ratio ||w||₁ + 0.5 alpha (1 - l1Ratio) ||w||²</c>. The intercept is fitted by centering.
/// All work is on Gram matrices: X^T X is accumulated once per fold, and every fold's training problem is a sum of fold statistics.
/// </remarks>
public static class RegularizedLinearRegression
{
    /// <summary>Default settings, equal to scikit-learn's.</summary>
    public static class Defaults
    {
        /// <summary>Maximum coordinate-descent sweeps per alpha (scikit-learn's <c>max_iter</c>).</summary>
        public const int MaxIterations = 1000;

        /// <summary>Stopping tolerance (scikit-learn's <c>tol</c>): the duality gap must fall below <c>Tolerance * ||y - mean(y)||²</c>.</summary>
        public const double Tolerance = 1e-4;
    }

    /// <summary>Fits ridge regression (closed form, Cholesky).</summary>
    /// <param name="rows">Feature rows, all of the same length.</param>
    /// <param name="y">Targets, one per row.</param>
    /// <param name="alpha">L2 strength on the sum-of-squares scale. At least 0.</param>
    /// <returns>The fitted model.</returns>
    public static LinearModel Ridge(IReadOnlyList<double[]> rows, IReadOnlyList<double> y, double alpha)
    {
        CheckAlpha(alpha, nameof(alpha));
        var data = Prepare(rows, y, null);
        var (w, b) = LinearProblems.Ridge(data.Total, standardize: false, scale: null, alpha);
        return LinearProblems.ToModel(w, b, data.ShiftX, data.ShiftY);
    }

    /// <summary>Fits the Lasso by coordinate descent from zero.</summary>
    /// <param name="rows">Feature rows.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alpha">L1 strength. At least 0.</param>
    /// <param name="maxIterations">Maximum sweeps. At least 1.</param>
    /// <param name="tolerance">Stopping tolerance. Greater than 0.</param>
    /// <param name="solver">Coordinate descent (scikit-learn's iterates and stopping rule) or the exact active-set solver.</param>
    /// <returns>The fitted model.</returns>
    public static LinearModel Lasso(
        IReadOnlyList<double[]> rows, IReadOnlyList<double> y, double alpha,
        int maxIterations = Defaults.MaxIterations, double tolerance = Defaults.Tolerance,
        ElasticNetSolver solver = ElasticNetSolver.CoordinateDescent) =>
        ElasticNet(rows, y, alpha, 1.0, maxIterations, tolerance, solver);

    /// <summary>Fits the elastic net by coordinate descent from zero.</summary>
    /// <param name="rows">Feature rows.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alpha">Overall penalty strength. At least 0.</param>
    /// <param name="l1Ratio">Share of the L1 penalty, in [0, 1].</param>
    /// <param name="maxIterations">Maximum sweeps. At least 1.</param>
    /// <param name="tolerance">Stopping tolerance. Greater than 0.</param>
    /// <param name="solver">Coordinate descent (scikit-learn's iterates and stopping rule) or the exact active-set solver.</param>
    /// <returns>The fitted model.</returns>
    public static LinearModel ElasticNet(
        IReadOnlyList<double[]> rows, IReadOnlyList<double> y, double alpha, double l1Ratio,
        int maxIterations = Defaults.MaxIterations, double tolerance = Defaults.Tolerance,
        ElasticNetSolver solver = ElasticNetSolver.CoordinateDescent)
    {
        CheckAlpha(alpha, nameof(alpha));
        CheckL1Ratio(l1Ratio, nameof(l1Ratio));
        CheckSolver(maxIterations, tolerance);
        var data = Prepare(rows, y, null);
        var (w, b) = LinearProblems.ElasticNet(data.Total, standardize: false, scale: null, alpha, l1Ratio, maxIterations, tolerance, solver);
        return LinearProblems.ToModel(w, b, data.ShiftX, data.ShiftY);
    }

    /// <summary>
    /// Chooses the ridge alpha by K-fold cross-validation over the given folds and refits on all rows: scikit-learn's
    /// <c>RidgeCV(alphas, cv=folds, scoring="neg_mean_squared_error")</c> (first best alpha in the given order);
    /// <see cref="RidgeCvScoring.RSquared"/> gives <c>RidgeCV</c>'s default scoring (mean fold R²).
    /// </summary>
    /// <param name="rows">Feature rows.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alphas">Candidate strengths, each at least 0.</param>
    /// <param name="folds">Fold index of each row, 0 .. K-1 with K at least 2.</param>
    /// <param name="scoring">How folds are scored.</param>
    /// <returns>The refitted model and the chosen alpha.</returns>
    public static CrossValidatedLinearModel RidgeCV(
        IReadOnlyList<double[]> rows, IReadOnlyList<double> y, IReadOnlyList<double> alphas, IReadOnlyList<int> folds,
        RidgeCvScoring scoring = RidgeCvScoring.MeanSquaredError)
    {
        CheckAlphas(alphas);
        var data = Prepare(rows, y, folds);
        bool r2 = scoring == RidgeCvScoring.RSquared;
        var scores = LinearProblems.RidgePath(data.Folds!, standardize: false, scale: null, alphas, r2);
        int best = 0;
        for (int a = 1; a < scores.Length; a++)
        {
            if (r2 ? scores[a] > scores[best] : scores[a] < scores[best])
            {
                best = a;
            }
        }

        var (w, b) = LinearProblems.Ridge(data.Total, standardize: false, scale: null, alphas[best]);
        return new CrossValidatedLinearModel(LinearProblems.ToModel(w, b, data.ShiftX, data.ShiftY), alphas[best], 0.0, [scores]);
    }

    /// <summary>scikit-learn's <c>LassoCV(alphas, cv=folds)</c>: the alpha with the lowest mean fold MSE, refitted on all rows.</summary>
    /// <param name="rows">Feature rows.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alphas">Candidate strengths, each at least 0 (searched from the largest down, warm-started).</param>
    /// <param name="folds">Fold index of each row, 0 .. K-1 with K at least 2.</param>
    /// <param name="maxIterations">Maximum sweeps per alpha. At least 1.</param>
    /// <param name="tolerance">Stopping tolerance. Greater than 0.</param>
    /// <param name="solver">Coordinate descent (scikit-learn's iterates and stopping rule) or the exact active-set solver.</param>
    /// <returns>The refitted model, the chosen alpha and the mean fold MSE per alpha (descending alpha order).</returns>
    public static CrossValidatedLinearModel LassoCV(
        IReadOnlyList<double[]> rows, IReadOnlyList<double> y, IReadOnlyList<double> alphas, IReadOnlyList<int> folds,
        int maxIterations = Defaults.MaxIterations, double tolerance = Defaults.Tolerance,
        ElasticNetSolver solver = ElasticNetSolver.CoordinateDescent) =>
        ElasticNetCV(rows, y, alphas, [1.0], folds, maxIterations, tolerance, solver);

    /// <summary>
    /// scikit-learn's <c>ElasticNetCV(alphas, l1_ratio, cv=folds)</c>: for each l1 ratio a warm-started path from the largest alpha
    /// down on every fold; the (l1 ratio, alpha) with the lowest mean fold MSE is refitted on all rows from zero.
    /// </summary>
    /// <param name="rows">Feature rows.</param>
    /// <param name="y">Targets.</param>
    /// <param name="alphas">Candidate strengths, each at least 0.</param>
    /// <param name="l1Ratios">Candidate L1 shares, each in [0, 1].</param>
    /// <param name="folds">Fold index of each row, 0 .. K-1 with K at least 2.</param>
    /// <param name="maxIterations">Maximum sweeps per alpha. At least 1.</param>
    /// <param name="tolerance">Stopping tolerance. Greater than 0.</param>
    /// <param name="solver">Coordinate descent (scikit-learn's iterates and stopping rule) or the exact active-set solver.</param>
    /// <returns>The refitted model, the chosen alpha and l1 ratio, and the mean fold MSE per l1 ratio and alpha (descending).</returns>
    public static CrossValidatedLinearModel ElasticNetCV(
        IReadOnlyList<double[]> rows, IReadOnlyList<double> y, IReadOnlyList<double> alphas, IReadOnlyList<double> l1Ratios,
        IReadOnlyList<int> folds, int maxIterations = Defaults.MaxIterations, double tolerance = Defaults.Tolerance,
        ElasticNetSolver solver = ElasticNetSolver.CoordinateDescent)
    {
        CheckAlphas(alphas);
        ArgumentNullException.ThrowIfNull(l1Ratios);
        if (l1Ratios.Count == 0)
        {
            throw new ArgumentException("At least one l1 ratio is required.", nameof(l1Ratios));
        }

        foreach (var r in l1Ratios)
        {
            CheckL1Ratio(r, nameof(l1Ratios));
        }

        CheckSolver(maxIterations, tolerance);
        var data = Prepare(rows, y, folds);
        var search = ElasticNetSearch.Run(data.Folds!, false, alphas, l1Ratios, maxIterations, tolerance, null, solver);
        var (w, b) = LinearProblems.ElasticNet(data.Total, standardize: false, scale: null, search.Alpha, search.L1Ratio, maxIterations, tolerance, solver);
        return new CrossValidatedLinearModel(LinearProblems.ToModel(w, b, data.ShiftX, data.ShiftY), search.Alpha, search.L1Ratio, search.MeanMse)
        {
            FoldMsePath = search.FoldMse,
        };
    }

    internal static void CheckAlpha(double alpha, string name)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha))
        {
            throw new ArgumentOutOfRangeException(name, alpha, "must be a finite number >= 0.");
        }
    }

    internal static void CheckL1Ratio(double l1Ratio, string name)
    {
        if (!(l1Ratio >= 0 && l1Ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(name, l1Ratio, "must be in [0, 1].");
        }
    }

    internal static void CheckAlphas(IReadOnlyList<double> alphas)
    {
        ArgumentNullException.ThrowIfNull(alphas);
        if (alphas.Count == 0)
        {
            throw new ArgumentException("At least one alpha is required.", nameof(alphas));
        }

        foreach (var a in alphas)
        {
            CheckAlpha(a, nameof(alphas));
        }
    }

    private static void CheckSolver(int maxIterations, double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "must be > 0.");
        }
    }

    private sealed record PreparedData(CrossProducts Total, CrossProducts[]? Folds, double[] ShiftX, double ShiftY);

    private static PreparedData Prepare(IReadOnlyList<double[]> rows, IReadOnlyList<double> y, IReadOnlyList<int>? folds)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(y);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is required.", nameof(rows));
        }

        if (y.Count != rows.Count)
        {
            throw new ArgumentException($"y has {y.Count} values but there are {rows.Count} rows.", nameof(y));
        }

        int p = rows[0].Length;
        var columns = new double[p][];
        for (int j = 0; j < p; j++)
        {
            columns[j] = new double[rows.Count];
        }

        var target = new double[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != p)
            {
                throw new ArgumentException($"Row {r} has {rows[r].Length} values, expected {p}.", nameof(rows));
            }

            for (int j = 0; j < p; j++)
            {
                columns[j][r] = rows[r][j];
            }

            target[r] = y[r];
        }

        int k = 1;
        var group = new int[rows.Count];
        if (folds is not null)
        {
            if (folds.Count != rows.Count)
            {
                throw new ArgumentException($"folds has {folds.Count} values but there are {rows.Count} rows.", nameof(folds));
            }

            k = folds.Max() + 1;
            if (k < 2 || folds.Min() < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(folds), "Fold indices must be 0 .. K-1 with K >= 2.");
            }

            for (int r = 0; r < rows.Count; r++)
            {
                group[r] = folds[r];
            }
        }

        var shiftX = columns.Select(c => c.Average()).ToArray();
        double shiftY = target.Average();
        var groups = CrossProducts.FromColumns(columns, target, shiftX, shiftY, group, k);
        var total = CrossProducts.Sum(groups, _ => true);
        return new PreparedData(total, folds is null ? null : groups, shiftX, shiftY);
    }
}
