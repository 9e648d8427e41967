using MLExtensions.AutoML;
using static MLExtensions.AutoML.Tests.PrunerReports;

namespace MLExtensions.AutoML.Tests;

/// <summary>Hand-computed cases of <see cref="ThresholdPruner"/> and <see cref="PatientPruner"/> (Optuna's rules).</summary>
[TestClass]
public sealed class ThresholdAndPatientPrunerTests
{
    [TestMethod]
    public void Threshold_StopsTheFirstTrialWhenItLeavesTheBand()
    {
        var pruner = new ThresholdPruner(new() { Lower = 0.1, Upper = 2 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 1, 1.5));
        Assert.IsTrue(Report(pruner, h, 0, 2, 2.5));            // diverging: no complete trial needed
        Assert.IsTrue(Report(pruner, h, 1, 1, 0.05));           // below the lower bound
        Assert.IsTrue(Report(pruner, h, 2, 1, double.NaN));
    }

    [TestMethod]
    public void Threshold_WarmupAndInterval_SkipSteps()
    {
        var pruner = new ThresholdPruner(new() { Upper = 1, WarmupSteps = 2, IntervalSteps = 2 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 1, 5));    // before the warm-up
        Assert.IsTrue(Report(pruner, h, 0, 2, 5));     // the first pruning step
        Assert.IsFalse(Report(pruner, h, 1, 2, 0.5));
        Assert.IsFalse(Report(pruner, h, 1, 3, 5));    // step 3 shares step 2's interval, which was checked
        Assert.IsTrue(Report(pruner, h, 1, 4, 5));
    }

    [TestMethod]
    public void Patient_StopsAfterPatienceReportsWithoutImprovement()
    {
        var pruner = new PatientPruner(null, patience: 2);
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 1, 1.0));
        Assert.IsFalse(Report(pruner, h, 0, 2, 0.8));
        Assert.IsFalse(Report(pruner, h, 0, 3, 0.9));   // 3 reports: not more than patience + 1
        Assert.IsFalse(Report(pruner, h, 0, 4, 0.85));  // best of the last 3 (0.8) is not worse than before (1.0)
        Assert.IsTrue(Report(pruner, h, 0, 5, 0.9));    // best of the last 3 (0.85) is worse than before (0.8)
    }

    [TestMethod]
    public void Patient_MinDeltaAndTheWrappedPrunerDecide()
    {
        var h = new TrialHistory();
        // worse by 0.05: stopped with MinDelta 0, tolerated with MinDelta 0.1
        h.AddTrial(0);
        h.Report(0, 1, 1.0);
        h.Report(0, 2, 1.05);
        Assert.IsTrue(new PatientPruner(null, 0).ShouldPrune(0, 2, 1.05, h));
        Assert.IsFalse(new PatientPruner(null, 0, minDelta: 0.1).ShouldPrune(0, 2, 1.05, h));
        // stalled, but the wrapped median pruner has no complete trial to compare with: it keeps the trial
        Assert.IsFalse(new PatientPruner(new MedianPruner(), 0).ShouldPrune(0, 2, 1.05, h));
    }

    [TestMethod]
    public void BadOptions_ThrowNamingTheOption()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new ThresholdPruner(new()));
        Assert.ThrowsExactly<ArgumentException>(() => new ThresholdPruner(new() { Lower = 2, Upper = 1 }));
        Assert.AreEqual("Upper", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ThresholdPruner(new() { Upper = double.NaN })).ParamName);
        Assert.AreEqual("IntervalSteps", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ThresholdPruner(new() { Upper = 1, IntervalSteps = 0 })).ParamName);
        Assert.AreEqual("patience", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PatientPruner(null, -1)).ParamName);
        Assert.AreEqual("minDelta", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PatientPruner(null, 1, -0.5)).ParamName);
    }
}
