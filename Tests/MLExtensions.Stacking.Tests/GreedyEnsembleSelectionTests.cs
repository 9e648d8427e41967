using System.Text.Json;

namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class GreedyEnsembleSelectionTests
{
    [TestMethod]
    public void Fit_LibraryContainsTarget_ChoosesThatModelOnly()
    {
        var (p, y) = Synthetic.Library(300, [0.5, 0.7, 0.6], seed: 21);
        var withTarget = new PredictionMatrix([.. p.Names, "oracle"], [.. p.Columns, (double[])y.Clone()]);

        var model = new GreedyEnsembleSelectionCombiner().Fit(withTarget, y);

        var w = model.CombinedLinearModel!.Coefficients;
        Assert.AreEqual(1.0, w[3], 1e-12);
        Assert.AreEqual(0.0, w.Take(3).Sum(), 0.0);
    }

    [TestMethod]
    public void Fit_SameSeed_IsDeterministic()
    {
        var (p, y) = Synthetic.Library(200, [0.5, 0.5, 0.6, 0.55], seed: 22);

        var a = new GreedyEnsembleSelectionCombiner(new() { Seed = 5 });
        var first = a.Fit(p, y).CombinedLinearModel!.Coefficients.ToArray();
        var firstSelection = a.LastSelection.ToArray();
        var b = new GreedyEnsembleSelectionCombiner(new() { Seed = 5 });
        var second = b.Fit(p, y).CombinedLinearModel!.Coefficients.ToArray();

        CollectionAssert.AreEqual(first, second);
        CollectionAssert.AreEqual(firstSelection, b.LastSelection.ToArray());
    }

    [TestMethod]
    public void Fit_ExactTies_BrokenBySeed()
    {
        // Identical columns tie exactly at every step; different seeds pick different twins.
        var (p, y) = Synthetic.Library(100, [0.5], seed: 23);
        var twins = new PredictionMatrix(Enumerable.Range(0, 6).Select(i => "t" + i).ToArray(), Enumerable.Repeat(p.Columns[0], 6).ToArray());

        var picks = Enumerable.Range(0, 8).Select(seed =>
        {
            var c = new GreedyEnsembleSelectionCombiner(new() { Seed = seed, MaxInitialModels = 0, Iterations = 1 });
            c.Fit(twins, y);
            return c.LastSelection[0];
        }).Distinct().Count();

        Assert.IsGreaterThan(1, picks);
    }

    [TestMethod]
    public void Fit_WithReplacement_CountsAModelMoreThanOnce()
    {
        // The best mix is 2:1 between two models with independent errors of different size.
        var (p, y) = Synthetic.Library(2000, [0.3, 0.42], seed: 24);

        var combiner = new GreedyEnsembleSelectionCombiner(new() { MaxInitialModels = 1, Iterations = 20 });
        var model = combiner.Fit(p, y);

        Assert.IsTrue(combiner.LastSelection.GroupBy(m => m).Any(g => g.Count() > 1));
        var w = model.CombinedLinearModel!.Coefficients;
        Assert.IsTrue(w.All(v => v >= 0));
        Assert.AreEqual(1.0, w.Sum(), 1e-12);
        Assert.IsGreaterThan(w[1], w[0]);
    }

    [TestMethod]
    public void Fit_BestPrefix_NeverWorseThanSortedInitialisation()
    {
        var (p, y) = Synthetic.Library(500, [0.3, 0.35, 0.9, 1.5], seed: 25);

        var model = new GreedyEnsembleSelectionCombiner().Fit(p, y);

        double ensemble = CombinerTests.Rmse(model.Predict(p), y);
        Assert.IsLessThanOrEqualTo(CombinerTests.Rmse(p.Columns[0], y) + 1e-12, ensemble);
    }

    [TestMethod]
    public void Fit_HandBuiltZoo_ClimbsInTheOnlyGreedyOrder()
    {
        // y = (1, 2, 3, 4); model m predicts y - r_m. Residuals r_m:
        //   m0 ( 1,  1,  0,  0)     RMSE 0.707 (best single)
        //   m1 (-2,  0,  1,  0)     RMSE 1.118
        //   m2 ( 0, -3,  0,  1)     RMSE 1.581
        //   m3 ( 0,  0, -2, -2.5)   RMSE 1.601
        //   m4 ( 3,  3,  3,  3)     RMSE 3 (useless)
        // Start {m0}. Step 1: mean residual with m1 = (-0.5, 0.5, 0.5, 0), RMSE 0.433, against 0.707 (m0 again), 0.612 (m2),
        // 0.875 (m3), 1.768 (m4): add m1. Brute force over every candidate at every step (RMSEs of the candidates in brackets)
        // continues m0 [0.373 vs next 0.441], m2 [0.217 vs 0.415], m0 [0.173 vs 0.206], m3 [0.172 vs 0.204], m1 [0.129 vs 0.205],
        // m0 [0.113 vs 0.200]: the loss falls at every step, so the best prefix is the whole path. A random pick among 5 models
        // would follow it with probability 5^-7.
        double[] y = [1, 2, 3, 4];
        double[][] residuals = [[1, 1, 0, 0], [-2, 0, 1, 0], [0, -3, 0, 1], [0, 0, -2, -2.5], [3, 3, 3, 3]];
        var p = new PredictionMatrix(
            Enumerable.Range(0, 5).Select(m => "m" + m).ToArray(),
            residuals.Select(r => y.Select((v, i) => v - r[i]).ToArray()).ToArray());

        var combiner = new GreedyEnsembleSelectionCombiner(new() { MaxInitialModels = 1, Iterations = 7 });
        var model = combiner.Fit(p, y);

        CollectionAssert.AreEqual(new[] { 0, 1, 0, 2, 0, 3, 1, 0 }, combiner.LastSelection.ToArray());
        var w = model.CombinedLinearModel!.Coefficients;
        double[] expected = [4 / 8.0, 2 / 8.0, 1 / 8.0, 1 / 8.0, 0];
        for (int m = 0; m < 5; m++)
        {
            Assert.AreEqual(expected[m], w[m], 1e-12, $"weight of m{m}");
        }

        Assert.AreEqual(CombinerTests.Rmse(model.Predict(p), y), model.Components[0].OutOfFoldError!.Value, 1e-12);
        Assert.AreEqual(0.1127, model.Components[0].OutOfFoldError!.Value, 1e-4);
    }

    [TestMethod]
    [DataRow("zoo12_it40_init0")]
    [DataRow("zoo12_it40_init5")]
    [DataRow("zoo12_it40_init25")]
    [DataRow("zoo30_it60_init0")]
    [DataRow("zoo30_it60_init10")]
    public void Fit_MatchesIndependentReference(string name)
    {
        // TestData/golden/ensemble_selection.json: a numpy implementation that recomputes every candidate ensemble's RMSE from
        // its averaged predictions (make_ensemble_selection.py beside it; no near-ties, so tie-breaking does not matter).
        var c = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", "ensemble_selection.json")))
            .RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var rows = c.GetProperty("P").EnumerateArray().Select(Golden.Vector).ToArray();
        int k = rows[0].Length;
        var p = new PredictionMatrix(
            Enumerable.Range(0, k).Select(m => "m" + m).ToArray(),
            Enumerable.Range(0, k).Select(m => rows.Select(r => r[m]).ToArray()).ToArray());
        var y = Golden.Y(c);

        var combiner = new GreedyEnsembleSelectionCombiner(new()
        {
            Iterations = c.GetProperty("iterations").GetInt32(),
            MaxInitialModels = c.GetProperty("max_initial_models").GetInt32(),
        });
        var model = combiner.Fit(p, y);

        var expected = c.GetProperty("selection").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        CollectionAssert.AreEqual(expected, combiner.LastSelection.ToArray());
        var weights = Golden.Vector(c.GetProperty("weights"));
        var w = model.CombinedLinearModel!.Coefficients;
        for (int m = 0; m < k; m++)
        {
            Assert.AreEqual(weights[m], w[m], 1e-12, $"weight of m{m}");
        }

        Golden.AreClose(c.GetProperty("loss").GetDouble(), model.Components[0].OutOfFoldError!.Value, 1e-10, "best-prefix RMSE");
    }

    [TestMethod]
    public void Validate_ZeroIterations_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GreedyEnsembleSelectionCombiner(new() { Iterations = 0 }));
        Assert.AreEqual(nameof(GreedyEnsembleSelectionCombiner.Options.Iterations), ex.ParamName);
    }
}
