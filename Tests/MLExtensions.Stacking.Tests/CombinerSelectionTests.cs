namespace MLExtensions.Stacking.Tests;

/// <summary>The best-single-model baseline and the choice among combiners by nested out-of-fold error.</summary>
[TestClass]
public sealed class CombinerSelectionTests
{
    [TestMethod]
    public void BestSingleModel_ChoosesLowestOutOfFoldRmseAndPredictsThatColumn()
    {
        var (p, y) = Synthetic.Library(300, [0.6, 0.3, 0.45], seed: 31);

        var model = new BestSingleModelCombiner().Fit(p, y);

        CollectionAssert.AreEqual(new[] { 1 }, model.SelectedInputs.ToArray());
        CollectionAssert.AreEqual(p.Columns[1], model.Predict(p));
        Assert.AreEqual(CombinerTests.Rmse(p.Columns[1], y), model.Components[0].OutOfFoldError!.Value, 1e-15);
        Assert.AreEqual("m1", model.Components[0].Name);
    }

    [TestMethod]
    public void SelectBest_ReportsEveryCandidateAndRefitsTheLowestOnAllRows()
    {
        var (p, y) = Synthetic.Library(400, [0.5, 0.55, 0.6, 0.9], seed: 32);
        var candidates = new StackingCombiner[] { new GreedyEnsembleSelectionCombiner(), new RidgeStackingCombiner(), new BestSingleModelCombiner() };

        var model = new SelectBestCombiner(new() { Candidates = candidates }).Fit(p, y);

        var report = model.Diagnostics!.Selection!;
        CollectionAssert.AreEqual(candidates.Select(c => c.Name).ToArray(), report.Candidates.ToArray());
        Assert.HasCount(3, report.CrossValidationErrors);
        Assert.AreEqual(report.CrossValidationErrors.Min(), report.CrossValidationErrors[report.Chosen]);
        Assert.AreEqual(report.CrossValidationErrors[report.Chosen], model.Diagnostics.OutOfFoldError);
        var refit = candidates[report.Chosen].Fit(p, y);
        CollectionAssert.AreEqual(refit.CombinedLinearModel!.Coefficients.ToArray(), model.CombinedLinearModel!.Coefficients.ToArray());
        Assert.AreEqual(refit.CombinedLinearModel.Intercept, model.CombinedLinearModel.Intercept);
    }

    [TestMethod]
    public void SelectBest_CandidateErrorIsNestedOutOfFold()
    {
        // Recompute the ridge candidate's error by hand: 5 shuffled folds (seed 42), ridge fitted on four, predicting the fifth.
        var (p, y) = Synthetic.Library(250, [0.5, 0.7, 0.6], seed: 33);
        var ridge = new RidgeStackingCombiner();
        var folds = StackingData.ShuffledFolds(y.Length, 5, 42);
        var outOfFold = new double[y.Length];
        for (int f = 0; f < 5; f++)
        {
            var train = StackingData.RowsOutside(folds, f);
            var held = Enumerable.Range(0, y.Length).Where(i => folds[i] == f).ToArray();
            var predicted = ridge.Fit(StackingData.Rows(p, train), train.Select(i => y[i]).ToArray()).Predict(StackingData.Rows(p, held));
            for (int i = 0; i < held.Length; i++)
            {
                outOfFold[held[i]] = predicted[i];
            }
        }

        var report = new SelectBestCombiner(new() { Candidates = [new BestSingleModelCombiner(), ridge] }).Fit(p, y).Diagnostics!.Selection!;

        Assert.AreEqual(CombinerTests.Rmse(outOfFold, y), report.CrossValidationErrors[1], 1e-12);
    }

    [TestMethod]
    public void SelectBest_Defaults_ChoiceDependsOnTheZoo()
    {
        // Many rows, target an exact linear mix with a negative weight: only a linear meta-model can get there.
        var random = new Random(34);
        var a = Synthetic.Normal(random, 2000);
        var b = Synthetic.Normal(random, 2000);
        var mix = a.Select((v, i) => 2 * v - b[i] + 0.01 * Synthetic.Normal(random, 1)[0]).ToArray();
        var linear = new SelectBestCombiner().Fit(new PredictionMatrix(["a", "b"], [a, b]), mix).Diagnostics!.Selection!;

        // Few rows, one model nearly exact and the others noisy: no mix beats it, and the estimated mixes only add variance.
        var (p, y) = Synthetic.Library(60, [0.02, 1.5, 1.6, 1.7, 1.8, 1.9], seed: 35);
        var single = new SelectBestCombiner().Fit(p, y).Diagnostics!.Selection!;

        CollectionAssert.AreEqual(new[] { "Regularized meta-learning", "Ridge stacking", "Greedy ensemble selection", "Best single model" }, linear.Candidates.ToArray());
        Assert.IsTrue(linear.ChosenName is "Regularized meta-learning" or "Ridge stacking", linear.ChosenName);
        Assert.IsTrue(single.ChosenName is "Greedy ensemble selection" or "Best single model", single.ChosenName);
    }

    [TestMethod]
    public void Validate_BadCandidates_Throw()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new SelectBestCombiner(new() { Candidates = [] }));
        Assert.ThrowsExactly<ArgumentException>(() => new SelectBestCombiner(new() { Candidates = [new RidgeStackingCombiner(), null!] }));
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SelectBestCombiner(new() { Folds = 1 }));
        Assert.AreEqual(nameof(SelectBestCombiner.Options.Folds), ex.ParamName);
    }
}
