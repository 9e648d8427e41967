using System.Text.Json;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// fANOVA and its regression trees against Optuna 3.1 and scikit-learn 1.2.1 (TestData/Importance/fanova_golden.json,
/// make_fanova_golden.py): the same trees give the same variances and importances to 1e-10; the same data grow the same tree.
/// </summary>
[TestClass]
public sealed class FanovaGoldenTests
{
    private static readonly JsonElement s_golden =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Importance", "fanova_golden.json"))).RootElement;

    public static IEnumerable<object[]> FanovaCases => s_golden.GetProperty("fanova").EnumerateObject().Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> CartCases => s_golden.GetProperty("cart").EnumerateObject().Select(c => new object[] { c.Name });

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static double[][] Rows(JsonElement e) => e.EnumerateArray().Select(Doubles).ToArray();

    private static RegressionTree Tree(JsonElement t) =>
        new(Ints(t.GetProperty("feature")), Doubles(t.GetProperty("threshold")), Ints(t.GetProperty("left")), Ints(t.GetProperty("right")), Doubles(t.GetProperty("value")));

    private static void Close(double expected, double actual, string what) =>
        Assert.AreEqual(expected, actual, 1e-10 * Math.Max(1, Math.Abs(expected)), what);

    [TestMethod]
    public void TheGoldenHoldsFourForestsAndThreeTrees()
    {
        Assert.AreEqual(4, FanovaCases.Count());
        Assert.AreEqual(3, CartCases.Count());
        StringAssert.Contains(s_golden.GetProperty("source").GetString(), "optuna 3.1.0");
    }

    [TestMethod, DynamicData(nameof(FanovaCases))]
    public void OptunasTreesGiveOptunasVariancesAndImportances(string name)
    {
        var c = s_golden.GetProperty("fanova").GetProperty(name);
        var bounds = c.GetProperty("bounds").EnumerateArray().Select(b => (b[0].GetDouble(), b[1].GetDouble())).ToArray();
        var trees = c.GetProperty("trees").EnumerateArray().Select(t => new FanovaTree(Tree(t), bounds)).ToArray();
        var variance = Doubles(c.GetProperty("tree_variance"));
        for (int t = 0; t < trees.Length; t++) Close(variance[t], trees[t].Variance, $"{name}: tree {t}'s variance");

        var groups = c.GetProperty("groups").EnumerateArray().Select(Ints).ToArray();
        var marginal = c.GetProperty("marginal_variance").EnumerateArray().Select(Doubles).ToArray();
        var mean = Doubles(c.GetProperty("importance_mean"));
        var std = Doubles(c.GetProperty("importance_std"));
        for (int g = 0; g < groups.Length; g++)
        {
            for (int t = 0; t < trees.Length; t++)
                Close(marginal[g][t], Math.Max(0, trees[t].MarginalVariance(groups[g])), $"{name}: group {g}, tree {t}");
            var (m, s) = ParameterImportanceEvaluator.VarianceFractions(trees, groups[g]);
            Close(mean[g], m, $"{name}: group {g}'s importance");
            Close(std[g], s, $"{name}: group {g}'s standard deviation");
        }
    }

    [TestMethod, DynamicData(nameof(CartCases))]
    public void TheSameDataGrowScikitLearnsTree(string name)
    {
        // Small nodes often have exactly tied splits (two features ordering their samples alike), which each side breaks by
        // its own random feature order; the trees then split the same samples at every node, on the same feature or the tied one.
        var c = s_golden.GetProperty("cart").GetProperty(name);
        var x = Rows(c.GetProperty("X"));
        var y = Doubles(c.GetProperty("y"));
        int depth = c.GetProperty("max_depth").ValueKind == JsonValueKind.Number ? c.GetProperty("max_depth").GetInt32() : int.MaxValue;
        var ours = RegressionTree.Fit(x, y, Enumerable.Repeat(1.0, y.Length).ToArray(), depth, new Random(1));
        var theirs = Tree(c.GetProperty("tree"));
        Assert.AreEqual(theirs.NodeCount, ours.NodeCount, name);
        // The same recursive partition: every node's set of samples, with its value (siblings may trade places on a tie).
        var ourNodes = Nodes(ours, x);
        var theirNodes = Nodes(theirs, x);
        CollectionAssert.AreEquivalent(theirNodes.Keys.ToArray(), ourNodes.Keys.ToArray(), name);
        foreach (var (samples, value) in theirNodes) Close(value, ourNodes[samples], $"{name}: the node of samples {samples}");
        // Where both split a node's samples on the same feature, they split at the same threshold (the root always: no ties there).
        var ourSplits = Splits(ours, x);
        int sameFeature = 0;
        foreach (var (samples, (feature, threshold)) in Splits(theirs, x))
        {
            if (ourSplits[samples].Feature != feature) continue;
            Assert.AreEqual(threshold, ourSplits[samples].Threshold, 1e-15, $"{name}: the split of samples {samples}");
            sameFeature++;
        }

        Assert.AreEqual(theirs.Feature[0], ours.Feature[0], $"{name}: the root's feature");
        Assert.IsTrue(sameFeature > 0, name);
    }

    private static Dictionary<string, (int Feature, double Threshold)> Splits(RegressionTree tree, double[][] x)
    {
        var keys = Keys(tree, x);
        return Enumerable.Range(0, tree.NodeCount).Where(node => tree.Feature[node] >= 0)
            .ToDictionary(node => keys[node], node => (tree.Feature[node], tree.Threshold[node]));
    }

    private static Dictionary<string, double> Nodes(RegressionTree tree, double[][] x)
    {
        var keys = Keys(tree, x);
        return Enumerable.Range(0, tree.NodeCount).ToDictionary(node => keys[node], node => tree.Value[node]);
    }

    /// <summary>Each node as the training rows that reach it (features read as float32, as both trees read them).</summary>
    private static string[] Keys(RegressionTree tree, double[][] x)
    {
        var reached = Enumerable.Range(0, tree.NodeCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            for (int node = 0; ; node = (float)x[i][tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node])
            {
                reached[node].Add(i);
                if (tree.Feature[node] < 0) break;
            }
        }

        return reached.Select(r => string.Join(",", r)).ToArray();
    }

    [TestMethod]
    public void OurForestRanksAsOptunasWithinTheSpreadOfItsSeeds()
    {
        // Another bootstrap stream gives another forest: the normalized importances agree within a few standard deviations of
        // Optuna's own spread over ten seeds (about 0.002 here), not to the digit.
        var f = s_golden.GetProperty("forest");
        var groups = f.GetProperty("groups").EnumerateArray().Select(Ints).ToArray();
        var fractions = ParameterImportanceEvaluator.Fractions(Rows(f.GetProperty("X")), Doubles(f.GetProperty("y")), groups, new ParameterImportanceOptions());
        double total = fractions.Sum(x => x.Mean);
        var mean = Doubles(f.GetProperty("importance_mean"));
        var std = Doubles(f.GetProperty("importance_std"));
        for (int g = 0; g < groups.Length; g++)
            Assert.AreEqual(mean[g], fractions[g].Mean / total, 0.01 + (5 * std[g]), $"group {g}");
    }
}
