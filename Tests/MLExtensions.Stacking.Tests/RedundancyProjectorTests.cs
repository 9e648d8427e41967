namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class RedundancyProjectorTests
{
    [TestMethod]
    public void Fit_ExactDuplicate_RemovesItAndKeepsTheBetterTwin()
    {
        var random = new Random(1);
        var y = Synthetic.Normal(random, 500);
        var good = Synthetic.Add(y, Synthetic.Normal(random, 500), 0.3);
        var other = Synthetic.Add(y, Synthetic.Normal(random, 500), 0.6);
        var worseTwin = Synthetic.Add(good, Synthetic.Normal(random, 500), 0.01); // same errors plus a little more noise
        var duplicate = (double[])other.Clone();
        var p = new PredictionMatrix(["worseTwin", "good", "other", "duplicate"], [worseTwin, good, other, duplicate]);

        var report = new RedundancyProjector().Fit(p, y);

        CollectionAssert.AreEquivalent(new[] { 1, 2 }, report.Kept.ToArray());
        Assert.AreEqual(1, report.Duplicates.Single(d => d.Model == 0).KeptTwin, "the worse twin is dropped in favour of the better one");
        Assert.AreEqual(2, report.Duplicates.Single(d => d.Model == 3).KeptTwin, "of two identical columns the first is kept");
    }

    [TestMethod]
    public void Fit_AnyLibrary_VisitsModelsInAscendingRmse()
    {
        var (p, y) = Synthetic.Library(400, [0.9, 0.2, 0.5, 0.35, 1.2], seed: 2);

        var report = new RedundancyProjector().Fit(p, y);

        CollectionAssert.AreEqual(new[] { 1, 3, 2, 0, 4 }, report.VisitOrder.ToArray());
        for (int i = 1; i < report.VisitOrder.Count; i++)
        {
            Assert.IsTrue(report.OutOfFoldRmse[report.VisitOrder[i - 1]] <= report.OutOfFoldRmse[report.VisitOrder[i]]);
        }

        CollectionAssert.AreEqual(report.VisitOrder.ToArray(), report.Kept.ToArray(), "independent errors: nothing is redundant");
    }

    [TestMethod]
    public void Fit_CorrelatedButFarApart_KeepsBothBecauseTheRuleNeedsBothTests()
    {
        var random = new Random(3);
        var y = Synthetic.Normal(random, 300);
        var a = Synthetic.Add(y, Synthetic.Normal(random, 300), 0.3);
        var shifted = a.Select(v => v + 0.5).ToArray(); // residual correlation 1, mean squared difference 0.25 > 0.01 Var(y)
        var p = new PredictionMatrix(["a", "shifted"], [a, shifted]);

        Assert.HasCount(2, new RedundancyProjector().Fit(p, y).Kept);
        Assert.HasCount(1, new RedundancyProjector(new() { MseThreshold = 1.0 }).Fit(p, y).Kept);
    }

    [TestMethod]
    public void Fit_RelativeThresholds_InvariantToRescalingTargetAndPredictions()
    {
        var random = new Random(4);
        var y = Synthetic.Normal(random, 300);
        var a = Synthetic.Add(y, Synthetic.Normal(random, 300), 0.3);
        var near = Synthetic.Add(a, Synthetic.Normal(random, 300), 0.05);
        var p = new PredictionMatrix(["a", "near"], [a, near]);
        const double Factor = 100;
        var p100 = new PredictionMatrix(["a", "near"], [a.Select(v => v * Factor).ToArray(), near.Select(v => v * Factor).ToArray()]);
        var y100 = y.Select(v => v * Factor).ToArray();

        var relative = new RedundancyProjector();
        var absolute = new RedundancyProjector(new() { Scale = ThresholdScale.Absolute });

        CollectionAssert.AreEqual(relative.Fit(p, y).Kept.ToArray(), relative.Fit(p100, y100).Kept.ToArray());
        Assert.HasCount(1, absolute.Fit(p, y).Kept);
        Assert.HasCount(2, absolute.Fit(p100, y100).Kept, "an absolute MSE threshold depends on the unit of y");
    }

    [TestMethod]
    public void Fit_UnitTargetVariance_BothScalesAgree()
    {
        var (p, y) = Synthetic.Library(300, [0.3, 0.31, 0.5], seed: 5);
        double mean = y.Average(), sd = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        var yUnit = y.Select(v => (v - mean) / sd).ToArray();
        var pUnit = new PredictionMatrix(p.Names, p.Columns.Select(c => c.Select(v => (v - mean) / sd).ToArray()).ToArray());

        var relative = new RedundancyProjector(new() { MseThreshold = 0.5 }).Fit(pUnit, yUnit);
        var absolute = new RedundancyProjector(new() { MseThreshold = 0.5, Scale = ThresholdScale.Absolute }).Fit(pUnit, yUnit);

        CollectionAssert.AreEqual(relative.Kept.ToArray(), absolute.Kept.ToArray());
    }

    [TestMethod]
    public void Fit_ConstantColumn_SurvivesDeduplicationAndIsDroppedByVarianceFilter()
    {
        var (p, y) = Synthetic.Library(200, [0.3, 0.6], seed: 6);
        var withConstant = new PredictionMatrix([.. p.Names, "constant"], [.. p.Columns, Enumerable.Repeat(0.5, 200).ToArray()]);

        var report = new RedundancyProjector().Fit(withConstant, y);

        CollectionAssert.AreEqual(new[] { 2 }, report.NearConstant.ToArray());
        Assert.IsFalse(report.Duplicates.Any(d => d.Model == 2));
        CollectionAssert.DoesNotContain(report.Kept.ToArray(), 2);
        Assert.IsTrue(double.IsNaN(report.ConditionNumberBefore), "the correlation matrix of a constant column is undefined");
        Assert.IsFalse(double.IsNaN(report.ConditionNumberAfter));
    }

    [TestMethod]
    public void Fit_GoodModelsWithIndependentErrors_PredictionBasisDropsThemResidualBasisKeepsThem()
    {
        // Accurate models correlate strongly with each other through y even when their errors are independent.
        var (p, y) = Synthetic.Library(500, [0.05, 0.06, 0.07], seed: 7);

        var residuals = new RedundancyProjector().Fit(p, y);
        var predictions = new RedundancyProjector(new() { Basis = CorrelationBasis.Predictions }).Fit(p, y);

        Assert.HasCount(3, residuals.Kept);
        Assert.HasCount(1, predictions.Kept);
    }

    [TestMethod]
    [DataRow(1.5)]
    [DataRow(-1.01)]
    [DataRow(double.NaN)]
    public void Validate_CorrelationThresholdOutOfRange_ThrowsNamingOption(double value)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RedundancyProjector(new() { CorrelationThreshold = value }));
        Assert.AreEqual(nameof(RedundancyProjector.Options.CorrelationThreshold), ex.ParamName);
    }

    [TestMethod]
    public void Validate_NegativeMseThreshold_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RedundancyProjector(new() { MseThreshold = -0.1 }));
        Assert.AreEqual(nameof(RedundancyProjector.Options.MseThreshold), ex.ParamName);
    }
}
