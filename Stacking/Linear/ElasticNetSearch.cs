namespace MLExtensions;

/// <summary>The (l1 ratio, alpha) search of ElasticNetCV on fold statistics.</summary>
internal sealed record ElasticNetSearch(double Alpha, double L1Ratio, double[][] MeanMse, IReadOnlyList<double[,]> FoldMse)
{
    public static ElasticNetSearch Run(
        IReadOnlyList<CrossProducts> folds, bool standardize, IReadOnlyList<double> alphas, IReadOnlyList<double> l1Ratios,
        int maxIterations, double tolerance, double[]? scale = null, ElasticNetSolver solver = ElasticNetSolver.CoordinateDescent)
    {
        var descending = alphas.OrderByDescending(a => a).ToArray();
        double bestMse = double.PositiveInfinity, bestAlpha = descending[0], bestRatio = l1Ratios[0];
        var meanMse = new double[l1Ratios.Count][];
        var foldMse = new double[l1Ratios.Count][,];
        for (int r = 0; r < l1Ratios.Count; r++)
        {
            var path = LinearProblems.ElasticNetPath(folds, standardize, scale, descending, l1Ratios[r], maxIterations, tolerance, solver);
            foldMse[r] = path;
            meanMse[r] = new double[descending.Length];
            for (int a = 0; a < descending.Length; a++)
            {
                for (int f = 0; f < folds.Count; f++)
                {
                    meanMse[r][a] += path[a, f];
                }

                meanMse[r][a] /= folds.Count;
            }

            int i = LinearProblems.ArgMin(meanMse[r]);
            if (meanMse[r][i] < bestMse)
            {
                bestMse = meanMse[r][i];
                bestAlpha = descending[i];
                bestRatio = l1Ratios[r];
            }
        }

        return new ElasticNetSearch(bestAlpha, bestRatio, meanMse, foldMse);
    }
}
