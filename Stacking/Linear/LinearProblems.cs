namespace MLExtensions;

/// <summary>
/// Fits ridge and elastic-net models from <see cref="CrossProducts"/> (shifted coordinates) with optional standardization fitted on
/// the same rows, and runs K-fold alpha selection where every fold's training statistics are the sum of the other folds'.
/// </summary>
internal static class LinearProblems
{
    public static (double[] Weights, double Intercept) Ridge(CrossProducts train, bool standardize, double[]? scale, double alpha)
    {
        var problem = train.Center(standardize, scale);
        return problem.Unscale(SolveRidge(problem, alpha));
    }

    public static double[] SolveRidge(CenteredProblem problem, double alpha) =>
        DenseSolvers.SolveCholesky(problem.Gram, problem.Xy, alpha) ?? DenseSolvers.SolveGeneral(problem.Gram, problem.Xy, alpha);

    public static (double[] Weights, double Intercept) ElasticNet(
        CrossProducts train, bool standardize, double[]? scale, double alpha, double l1Ratio, int maxIterations, double tolerance, ElasticNetSolver solver)
    {
        var problem = train.Center(standardize, scale);
        var w = new double[problem.Features];
        SolveElasticNet(problem, alpha, l1Ratio, w, maxIterations, tolerance, solver);
        return problem.Unscale(w);
    }

    public static void SolveElasticNet(
        CenteredProblem problem, double alpha, double l1Ratio, double[] w, int maxIterations, double tolerance, ElasticNetSolver solver)
    {
        double l1 = alpha * l1Ratio * problem.Count;
        double l2 = alpha * (1.0 - l1Ratio) * problem.Count;
        if (solver == ElasticNetSolver.ActiveSet)
        {
            ActiveSetElasticNet.Solve(problem.Gram, problem.Xy, l1, l2, w);
        }
        else
        {
            CoordinateDescent.Solve(problem.Gram, problem.Xy, problem.Yy, l1, l2, w, maxIterations, tolerance);
        }
    }

    /// <summary>Mean over folds of the fold scores for each alpha (in the given order); scores are MSE or R^2.</summary>
    public static double[] RidgePath(IReadOnlyList<CrossProducts> folds, bool standardize, double[]? scale, IReadOnlyList<double> alphas, bool rSquared)
    {
        var mean = new double[alphas.Count];
        for (int f = 0; f < folds.Count; f++)
        {
            int held = f;
            var train = CrossProducts.Sum(folds, g => g != held);
            var problem = train.Center(standardize, scale);
            var test = folds[f];
            double totalSs = test.Yty - test.SumY * test.SumY / test.Count;
            for (int a = 0; a < alphas.Count; a++)
            {
                var (w, b) = problem.Unscale(SolveRidge(problem, alphas[a]));
                double rss = test.ResidualSumOfSquares(w, b);
                mean[a] += (rSquared ? 1.0 - rss / totalSs : rss / test.Count) / folds.Count;
            }
        }

        return mean;
    }

    /// <summary>
    /// Fold MSE along a warm-started path over <paramref name="alphasDescending"/>: result[alpha index, fold], like scikit-learn's
    /// <c>mse_path_</c>.
    /// </summary>
    public static double[,] ElasticNetPath(
        IReadOnlyList<CrossProducts> folds, bool standardize, double[]? scale, IReadOnlyList<double> alphasDescending, double l1Ratio, int maxIterations, double tolerance,
        ElasticNetSolver solver)
    {
        var mse = new double[alphasDescending.Count, folds.Count];
        for (int f = 0; f < folds.Count; f++)
        {
            int held = f;
            var train = CrossProducts.Sum(folds, g => g != held);
            var problem = train.Center(standardize, scale);
            var test = folds[f];
            var w = new double[problem.Features];
            for (int a = 0; a < alphasDescending.Count; a++)
            {
                SolveElasticNet(problem, alphasDescending[a], l1Ratio, w, maxIterations, tolerance, solver);
                var (weights, intercept) = problem.Unscale(w);
                mse[a, f] = test.ResidualSumOfSquares(weights, intercept) / test.Count;
            }
        }

        return mse;
    }

    /// <summary>Index of the smallest value; ties go to the first (scikit-learn's argmin).</summary>
    public static int ArgMin(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] < values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Converts shifted-coordinate weights to a model on the original scale.</summary>
    public static LinearModel ToModel(double[] weights, double intercept, double[] shiftX, double shiftY)
    {
        double b = shiftY + intercept;
        for (int i = 0; i < weights.Length; i++)
        {
            b -= shiftX[i] * weights[i];
        }

        return new LinearModel(weights, b);
    }
}
