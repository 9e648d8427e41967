namespace MLExtensions.AutoML;

/// <summary>
/// fANOVA hyperparameter importances, as Optuna's <c>FanovaImportanceEvaluator</c> computes them: a random forest (bootstrap
/// samples, CART trees over every feature) fitted to the trials' metric, and for each hyperparameter the variance of its
/// marginal as a fraction of each tree's variance, averaged over the trees. Continuous and integer coordinates enter as
/// the tuners' feature coordinate in [0, 1] (a log-scaled option on its log scale: a deliberate deviation from Optuna, which
/// measures volumes in raw values, so that a learning rate's decades weigh alike); a choice enters one-hot, as in Optuna.
/// </summary>
internal static class ParameterImportanceEvaluator
{
    /// <summary>The importances of <paramref name="space"/>'s coordinates over <paramref name="trials"/>, largest first.</summary>
    /// <exception cref="ArgumentException">A trial's parameter does not fit the space (the trial is named).</exception>
    /// <exception cref="InvalidOperationException">Fewer than two trials, or the metric does not vary.</exception>
    internal static IReadOnlyList<ParameterImportance> Evaluate(SearchSpace space, IReadOnlyList<(int TrialId, Parameter Parameter, double Metric)> trials,
        ParameterImportanceOptions options)
    {
        options.Validate();
        if (trials.Count < 2)
            throw new InvalidOperationException(
                $"Parameter importances need at least 2 complete trials with a finite metric; there are {trials.Count}.");

        var dims = space.Dimensions;
        var xs = new double[trials.Count][];
        var active = Enumerable.Repeat(true, dims.Count).ToArray();
        for (int t = 0; t < trials.Count; t++)
        {
            try
            {
                xs[t] = space.MappingToFeatureSpace(trials[t].Parameter);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Trial {trials[t].TrialId}'s parameter does not fit the search space: {e.Message}", nameof(trials), e);
            }

            var isActive = space.IsActive(xs[t]);
            for (int d = 0; d < dims.Count; d++) active[d] &= isActive[d];
        }

        // Columns: a continuous coordinate is one column, a choice of k one k one-hot columns (a choice of one has no
        // coordinate).
        var evaluated = new List<FeatureDimension>();
        var groups = new List<int[]>();
        int columns = 0;
        foreach (var dim in dims.Where(d => active[d.Index]))
        {
            int width = dim.ChoiceCount ?? 1;
            evaluated.Add(dim);
            groups.Add(Enumerable.Range(columns, width).ToArray());
            columns += width;
        }

        var result = new List<ParameterImportance>();
        if (evaluated.Count > 0)
        {
            var x = xs.Select(row => Encode(row, evaluated, columns)).ToArray();
            var fractions = Fractions(x, trials.Select(t => t.Metric).ToArray(), groups, options);
            double total = fractions.Sum(f => f.Mean);
            for (int g = 0; g < evaluated.Count; g++)
            {
                result.Add(new ParameterImportance(evaluated[g].Path, total > 0 ? fractions[g].Mean / total : 0, fractions[g].Mean, fractions[g].Std));
            }
        }

        return result.OrderByDescending(r => r.Importance).ThenBy(r => r.Path, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Each group's variance fraction (mean and standard deviation over the forest's trees) for the encoded trials
    /// <paramref name="x"/> (columns in [0, 1]) and their metric <paramref name="y"/>.
    /// </summary>
    internal static (double Mean, double Std)[] Fractions(double[][] x, double[] y, IReadOnlyList<int[]> groups, ParameterImportanceOptions options)
    {
        var bounds = Enumerable.Repeat((0.0, 1.0), x[0].Length).ToArray();
        var trees = Forest(x, y, bounds, options);
        if (trees.All(tree => tree.Variance == 0))
            throw new InvalidOperationException(
                $"Parameter importances need the metric to vary: all {y.Length} trials used score {y[0]} (or every bootstrap sample did).");
        return groups.Select(group => VarianceFractions(trees, group)).ToArray();
    }

    /// <summary>Optuna's importance of one parameter: the mean and standard deviation, over the trees with a variance above
    /// zero, of its marginal variance (clipped at 0) over the tree's variance.</summary>
    internal static (double Mean, double Std) VarianceFractions(IReadOnlyList<FanovaTree> trees, IReadOnlyList<int> group)
    {
        var fractions = trees.Where(tree => tree.Variance > 0).Select(tree => Math.Max(tree.MarginalVariance(group), 0) / tree.Variance).ToArray();
        double mean = fractions.Average();
        return (mean, Math.Sqrt(fractions.Average(f => (f - mean) * (f - mean))));
    }

    private static FanovaTree[] Forest(double[][] x, double[] y, (double, double)[] bounds, ParameterImportanceOptions options)
    {
        var random = new Random(options.Seed);
        var trees = new FanovaTree[options.NumberOfTrees];
        var weights = new double[y.Length];
        for (int t = 0; t < trees.Length; t++)
        {
            Array.Clear(weights);
            for (int i = 0; i < y.Length; i++) weights[random.Next(y.Length)]++;
            trees[t] = new FanovaTree(RegressionTree.Fit(x, y, weights, options.MaxDepth, random), bounds);
        }

        return trees;
    }

    private static double[] Encode(double[] row, List<FeatureDimension> evaluated, int columns)
    {
        var encoded = new double[columns];
        int c = 0;
        foreach (var dim in evaluated)
        {
            if (dim.ChoiceCount is { } k)
            {
                encoded[c + FeatureDimension.ChoiceIndex(row[dim.Index], k)] = 1;
                c += k;
            }
            else
            {
                encoded[c++] = row[dim.Index];
            }
        }

        return encoded;
    }
}
