namespace MLExtensions.AutoML;

/// <summary>
/// A CART regression tree grown as scikit-learn's <c>DecisionTreeRegressor</c> grows one (squared error, best split over every
/// feature, thresholds halfway between neighbouring values, nodes numbered in preorder), on weighted samples: the forest's
/// bootstrap counts are the weights; features are read as float32, as scikit-learn reads them. Only what fANOVA reads is kept: each node's split feature (−1 at a leaf), threshold,
/// children and mean target.
/// </summary>
internal sealed class RegressionTree
{
    /// <summary>scikit-learn's tolerance below which two feature values count as equal.</summary>
    private const double FeatureThreshold = 1e-7;

    /// <summary>scikit-learn's impurity at or below which a node is constant (the double epsilon).</summary>
    private const double ConstantImpurity = 2.220446049250313e-16;

    private readonly List<int> _feature = [];
    private readonly List<double> _threshold = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<double> _value = [];

    private RegressionTree()
    {
    }

    /// <summary>A tree with the given node arrays (a leaf has feature −1 and children −1).</summary>
    internal RegressionTree(int[] feature, double[] threshold, int[] left, int[] right, double[] value)
    {
        _feature.AddRange(feature);
        _threshold.AddRange(threshold);
        _left.AddRange(left);
        _right.AddRange(right);
        _value.AddRange(value);
    }

    /// <summary>The split feature of each node; −1 at a leaf.</summary>
    internal IReadOnlyList<int> Feature => _feature;

    /// <summary>The split threshold of each node: a sample goes left when its feature value is at most this.</summary>
    internal IReadOnlyList<double> Threshold => _threshold;

    /// <summary>The left child of each node; −1 at a leaf.</summary>
    internal IReadOnlyList<int> Left => _left;

    /// <summary>The right child of each node; −1 at a leaf.</summary>
    internal IReadOnlyList<int> Right => _right;

    /// <summary>The weighted mean target of each node's samples.</summary>
    internal IReadOnlyList<double> Value => _value;

    /// <summary>The number of nodes.</summary>
    internal int NodeCount => _feature.Count;

    /// <summary>
    /// Grows a tree on the samples with a weight above zero. A node stays a leaf at <paramref name="maxDepth"/>, with fewer
    /// than two samples, with a constant target, or when no split leaves a sample on each side.
    /// </summary>
    /// <param name="x">Rows of features.</param>
    /// <param name="y">Targets.</param>
    /// <param name="weights">Sample weights (bootstrap counts); zero leaves a sample out.</param>
    /// <param name="maxDepth">The deepest level a split may create (the root is depth 0).</param>
    /// <param name="random">Orders the features at each node, which decides between splits of exactly equal gain.</param>
    internal static RegressionTree Fit(double[][] x, double[] y, double[] weights, int maxDepth, Random random)
    {
        // scikit-learn's trees read features as float32; so does this one, which puts the thresholds where it puts them.
        x = x.Select(row => row.Select(v => (double)(float)v).ToArray()).ToArray();
        var tree = new RegressionTree();
        var samples = Enumerable.Range(0, y.Length).Where(i => weights[i] > 0).ToArray();
        int featureCount = x.Length == 0 ? 0 : x[0].Length;
        tree.Grow(x, y, weights, samples, 0, maxDepth, featureCount, random);
        return tree;
    }

    private int Grow(double[][] x, double[] y, double[] w, int[] samples, int depth, int maxDepth, int featureCount, Random random)
    {
        double sumW = 0, sumWy = 0, sumWyy = 0;
        foreach (int i in samples)
        {
            sumW += w[i];
            sumWy += w[i] * y[i];
            sumWyy += w[i] * y[i] * y[i];
        }

        double mean = sumWy / sumW;
        double impurity = (sumWyy / sumW) - (mean * mean);
        int node = _feature.Count;
        _feature.Add(-1);
        _threshold.Add(-2);
        _left.Add(-1);
        _right.Add(-1);
        _value.Add(mean);
        if (depth >= maxDepth || samples.Length < 2 || impurity <= ConstantImpurity)
        {
            return node;
        }

        var (feature, threshold, position, order) = BestSplit(x, y, w, samples, featureCount, sumW, sumWy, random);
        if (feature < 0)
        {
            return node;
        }

        var left = order[..position];
        var right = order[position..];
        _feature[node] = feature;
        _threshold[node] = threshold;
        _left[node] = Grow(x, y, w, left, depth + 1, maxDepth, featureCount, random);
        _right[node] = Grow(x, y, w, right, depth + 1, maxDepth, featureCount, random);
        return node;
    }

    private static (int Feature, double Threshold, int Position, int[] Order) BestSplit(
        double[][] x, double[] y, double[] w, int[] samples, int featureCount, double sumW, double sumWy, Random random)
    {
        int bestFeature = -1;
        double bestThreshold = 0, bestProxy = double.NegativeInfinity;
        int bestPosition = 0;
        int[] bestOrder = samples;
        var features = Enumerable.Range(0, featureCount).ToArray();
        random.Shuffle(features);
        foreach (int f in features)
        {
            var order = samples.OrderBy(i => x[i][f]).ToArray();
            if (x[order[^1]][f] <= x[order[0]][f] + FeatureThreshold)
            {
                continue;   // constant in this node
            }

            double leftW = 0, leftWy = 0;
            for (int p = 1; p < order.Length; p++)
            {
                leftW += w[order[p - 1]];
                leftWy += w[order[p - 1]] * y[order[p - 1]];
                double below = x[order[p - 1]][f], above = x[order[p]][f];
                if (above <= below + FeatureThreshold)
                {
                    continue;
                }

                double rightW = sumW - leftW, rightWy = sumWy - leftWy;
                double proxy = (leftWy * leftWy / leftW) + (rightWy * rightWy / rightW);
                if (proxy > bestProxy)
                {
                    bestProxy = proxy;
                    bestFeature = f;
                    bestPosition = p;
                    bestOrder = order;
                    bestThreshold = (below / 2.0) + (above / 2.0);
                    if (bestThreshold == above || double.IsInfinity(bestThreshold))
                    {
                        bestThreshold = below;
                    }
                }
            }
        }

        return (bestFeature, bestThreshold, bestPosition, bestOrder);
    }
}
