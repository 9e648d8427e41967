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
    public void Validate_ZeroIterations_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GreedyEnsembleSelectionCombiner(new() { Iterations = 0 }));
        Assert.AreEqual(nameof(GreedyEnsembleSelectionCombiner.Options.Iterations), ex.ParamName);
    }
}
