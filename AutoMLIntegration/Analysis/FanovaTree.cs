namespace MLExtensions.AutoML;

/// <summary>
/// The functional ANOVA of one regression tree over a box-shaped space (Hutter, Hoos and Leyton-Brown, "An Efficient Approach
/// for Assessing Hyperparameter Importance", ICML 2014), computed as Optuna's fANOVA evaluator does: the tree's variance over
/// the box (leaf values weighted by their volume), and the variance of the marginal prediction over a set of features, taken on
/// the cells that the tree's thresholds cut along those features.
/// </summary>
internal sealed class FanovaTree
{
    private readonly RegressionTree _tree;
    private readonly (double Lo, double Hi)[] _bounds;
    private readonly double[] _mean;
    private readonly double[] _volume;
    private readonly bool[][] _subtreeFeatures;
    private readonly double[][] _midpoints;
    private readonly double[][] _sizes;

    /// <summary>Analyses <paramref name="tree"/> over the box <paramref name="bounds"/> (one interval per feature).</summary>
    internal FanovaTree(RegressionTree tree, (double Lo, double Hi)[] bounds)
    {
        _tree = tree;
        _bounds = bounds;
        int n = tree.NodeCount, d = bounds.Length;
        _mean = new double[n];
        _volume = new double[n];
        _subtreeFeatures = new bool[n][];

        // Each node's box; children come after their parent in preorder, so one forward pass fills them.
        var boxes = new (double Lo, double Hi)[n][];
        boxes[0] = bounds;
        for (int node = 0; node < n; node++)
        {
            int f = tree.Feature[node];
            if (f < 0)
            {
                _mean[node] = tree.Value[node];
                _volume[node] = Volume(boxes[node]);
                continue;
            }

            boxes[tree.Left[node]] = Narrow(boxes[node], f, upper: tree.Threshold[node]);
            boxes[tree.Right[node]] = Narrow(boxes[node], f, lower: tree.Threshold[node]);
        }

        for (int node = n - 1; node >= 0; node--)
        {
            _subtreeFeatures[node] = new bool[d];
            int f = tree.Feature[node];
            if (f < 0) continue;
            int l = tree.Left[node], r = tree.Right[node];
            _volume[node] = _volume[l] + _volume[r];
            _mean[node] = ((_mean[l] * _volume[l]) + (_mean[r] * _volume[r])) / _volume[node];
            _subtreeFeatures[node][f] = true;
            for (int k = 0; k < d; k++) _subtreeFeatures[node][k] |= _subtreeFeatures[l][k] || _subtreeFeatures[r][k];
        }

        // The cells along each feature: the box's ends and the tree's distinct thresholds on it, in order.
        _midpoints = new double[d][];
        _sizes = new double[d][];
        for (int f = 0; f < d; f++)
        {
            var cuts = Enumerable.Range(0, n).Where(node => tree.Feature[node] == f).Select(node => tree.Threshold[node]).Distinct().Order();
            double[] points = [bounds[f].Lo, .. cuts, bounds[f].Hi];
            _midpoints[f] = new double[points.Length - 1];
            _sizes[f] = new double[points.Length - 1];
            for (int i = 0; i + 1 < points.Length; i++)
            {
                _midpoints[f][i] = 0.5 * (points[i + 1] + points[i]);
                _sizes[f][i] = points[i + 1] - points[i];
            }
        }

        var leaves = Enumerable.Range(0, n).Where(node => tree.Feature[node] < 0).ToArray();
        Variance = WeightedVariance(leaves.Select(node => _mean[node]).ToArray(), leaves.Select(node => _volume[node]).ToArray());
    }

    /// <summary>The variance of the tree's prediction over the box.</summary>
    internal double Variance { get; }

    /// <summary>The variance, over <paramref name="features"/>, of the prediction averaged over every other feature.</summary>
    internal double MarginalVariance(IReadOnlyList<int> features)
    {
        int cells = features.Aggregate(1, (count, f) => checked(count * _midpoints[f].Length));
        var values = new double[cells];
        var weights = new double[cells];
        var sample = new double[_bounds.Length];
        Array.Fill(sample, double.NaN);
        var index = new int[features.Count];
        for (int cell = 0; cell < cells; cell++)
        {
            // The cell's index along each feature, the last feature fastest (the order of a cartesian product).
            for (int k = features.Count - 1, rest = cell; k >= 0; k--)
            {
                index[k] = rest % _midpoints[features[k]].Length;
                rest /= _midpoints[features[k]].Length;
            }

            double size = 1;
            for (int k = 0; k < features.Count; k++)
            {
                sample[features[k]] = _midpoints[features[k]][index[k]];
                size *= _sizes[features[k]][index[k]];
            }

            var (value, weight) = Marginalized(sample);
            values[cell] = value;
            weights[cell] = weight * size;
        }

        return WeightedVariance(values, weights);
    }

    /// <summary>
    /// The mean prediction at the set coordinates of <paramref name="sample"/> (NaN elsewhere) over the rest of the box, and its
    /// weight: the nodes reached, each weighted by its volume over its extent along the set coordinates.
    /// </summary>
    private (double Value, double Weight) Marginalized(double[] sample)
    {
        int d = _bounds.Length;
        var start = new (double Lo, double Hi)[d];
        for (int f = 0; f < d; f++) start[f] = double.IsNaN(sample[f]) ? (0, 1) : _bounds[f];
        var stack = new Stack<(int Node, (double Lo, double Hi)[] Box)>();
        stack.Push((0, start));
        double sumWeight = 0, sumWeighted = 0;
        while (stack.Count > 0)
        {
            var (node, box) = stack.Pop();
            int f = _tree.Feature[node];
            if (f >= 0)
            {
                if (!double.IsNaN(sample[f]))
                {
                    double threshold = _tree.Threshold[node];
                    stack.Push(sample[f] <= threshold
                        ? (_tree.Left[node], Narrow(box, f, upper: threshold))
                        : (_tree.Right[node], Narrow(box, f, lower: threshold)));
                    continue;
                }

                if (SplitsOnAny(node, sample))
                {
                    stack.Push((_tree.Left[node], box));
                    stack.Push((_tree.Right[node], box));
                    continue;
                }
            }

            double weight = _volume[node] / Volume(box);
            sumWeight += weight;
            sumWeighted += weight * _mean[node];
        }

        return (sumWeighted / sumWeight, sumWeight);
    }

    private bool SplitsOnAny(int node, double[] sample)
    {
        var below = _subtreeFeatures[node];
        for (int f = 0; f < sample.Length; f++)
        {
            if (below[f] && !double.IsNaN(sample[f])) return true;
        }

        return false;
    }

    private static (double Lo, double Hi)[] Narrow((double Lo, double Hi)[] box, int feature, double? lower = null, double? upper = null)
    {
        var narrowed = ((double Lo, double Hi)[])box.Clone();
        narrowed[feature] = (lower ?? box[feature].Lo, upper ?? box[feature].Hi);
        return narrowed;
    }

    private static double Volume((double Lo, double Hi)[] box)
    {
        double volume = 1;
        foreach (var (lo, hi) in box) volume *= hi - lo;
        return volume;
    }

    private static double WeightedVariance(double[] values, double[] weights)
    {
        double sumW = 0, mean = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sumW += weights[i];
            mean += weights[i] * values[i];
        }

        mean /= sumW;
        double variance = 0;
        for (int i = 0; i < values.Length; i++) variance += weights[i] * (values[i] - mean) * (values[i] - mean);
        return variance / sumW;
    }
}
