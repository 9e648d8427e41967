using MLExtensions.AutoML;
using static MLExtensions.AutoML.Tests.PrunerReports;

namespace MLExtensions.AutoML.Tests;

/// <summary>Hand-computed rung tables for <see cref="SuccessiveHalvingPruner"/> (ALGORITHMS.md E4/E7).</summary>
[TestClass]
public sealed class SuccessiveHalvingPrunerTests
{
    [TestMethod]
    public void RungZeroKeepsTheTopOneOverEta()
    {
        // r = 1, eta = 2: rung 0 at step 1. n competing values, keep the best floor(n/2) (the best when that is 0).
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 1, ReductionFactor = 2 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 1, 1.0));   // [1.0]: floor(1/2)=0 -> must be the best: it is
        Assert.IsTrue(Report(pruner, h, 1, 1, 2.0));    // [1,2]: keep 1 -> threshold 1.0: 2.0 pruned
        Assert.IsFalse(Report(pruner, h, 2, 1, 0.5));   // [0.5,1,2]: keep 1 -> threshold 0.5
        Assert.IsTrue(Report(pruner, h, 3, 1, 1.5));    // [0.5,1,1.5,2]: keep 2 -> threshold 1.0
        Assert.IsFalse(Report(pruner, h, 4, 1, 0.9));   // [0.5,0.9,1,1.5,2]: keep 2 -> threshold 0.9 (ties promote)
        Assert.IsFalse(Report(pruner, h, 5, 1, 0.95));  // [0.5,0.9,0.95,1,1.5,2]: keep 3 -> threshold 0.95: promoted
        Assert.IsTrue(Report(pruner, h, 6, 1, 0.97));   // 7 values: keep 3 -> threshold 0.95: pruned
    }

    [TestMethod]
    public void RungStepsAreMinResourceTimesEtaToTheRateAndRung()
    {
        // r = 2, eta = 3, s = 1: rungs at steps 6, 18, 54. Nothing is decided before step 6.
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 2, ReductionFactor = 3, MinEarlyStoppingRate = 1 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 6, 1.0));    // rung 0 alone: best, promoted
        for (int step = 1; step <= 5; step++)
        {
            Assert.IsFalse(Report(pruner, h, 1, step, 100.0), $"step {step} is below the first rung");
        }

        Assert.IsTrue(Report(pruner, h, 1, 6, 100.0));   // rung 0: [1, 100], floor(2/3)=0 -> must be best
        Assert.IsFalse(Report(pruner, h, 0, 17, 0.1));   // below rung 1 (18)
        Assert.IsFalse(Report(pruner, h, 0, 18, 0.1));   // rung 1 alone: promoted
    }

    [TestMethod]
    public void AReportPastSeveralRungsIsJudgedAtEach()
    {
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 1, ReductionFactor = 2 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 4, 1.0));    // rungs 0, 1, 2 (steps 1, 2, 4) recorded at once
        Assert.IsTrue(Report(pruner, h, 1, 1, 2.0));     // rung 0 [1, 2]: keep 1 -> pruned
        // trial 2 goes straight to step 2 with 0.5: rung 0 [1,2,0.5]
        // keep 1 -> 0.5 promoted; rung 1 [1, 0.5] keep 1 -> promoted; rung 2 is at step 4: not reached.
        Assert.IsFalse(Report(pruner, h, 2, 2, 0.5));
        Assert.IsTrue(Report(pruner, h, 3, 2, 0.7));     // rung 0 [1,2,0.5,0.7] keep 2 -> 0.7 promoted; rung 1 [1,0.5,0.7] keep 1 -> pruned
    }

    [TestMethod]
    public void NaNIsPrunedAtARungButNotBefore()
    {
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 3, ReductionFactor = 2 });
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 2, double.NaN));
        Assert.IsTrue(Report(pruner, h, 0, 3, double.NaN));
    }

    [TestMethod]
    public void AutomaticMinResourceIsTheLongestCompleteTrialOverOneHundred()
    {
        var pruner = new SuccessiveHalvingPruner();
        var h = new TrialHistory();
        Assert.IsFalse(Report(pruner, h, 0, 1, 5.0));    // nothing complete: never pruned
        Assert.IsNull(pruner.MinResource);
        for (int step = 2; step <= 450; step++)
        {
            h.Report(0, step, 1.0);
        }

        h.SetState(0, TrialState.Complete);
        Assert.IsFalse(Report(pruner, h, 1, 3, 9.0));    // r = max(450 / 100, 1) = 4: step 3 is below rung 0
        Assert.AreEqual(4, pruner.MinResource);
        Assert.IsFalse(Report(pruner, h, 1, 4, 9.0));    // rung 0 alone (trial 0 never reported to this pruner)
        Assert.IsTrue(Report(pruner, h, 2, 4, 10.0));    // [9, 10], eta 4: keep 0 -> must be best
    }

    [TestMethod]
    public void AutomaticMinResourceIsAtLeastOne()
    {
        var pruner = new SuccessiveHalvingPruner();
        var h = new TrialHistory();
        h.AddTrial(0);
        h.Report(0, 99, 1.0);
        h.SetState(0, TrialState.Complete);
        Report(pruner, h, 1, 1, 1.0);
        Assert.AreEqual(1, pruner.MinResource);
    }

    [TestMethod]
    public void BootstrapPrunesUntilEnoughTrialsReachTheRung()
    {
        var pruner = new SuccessiveHalvingPruner(new() { MinResource = 1, ReductionFactor = 2, BootstrapCount = 2 });
        var h = new TrialHistory();
        Assert.IsTrue(Report(pruner, h, 0, 1, 0.1));     // 1 value <= 2
        Assert.IsTrue(Report(pruner, h, 1, 1, 0.2));     // 2 values <= 2
        Assert.IsFalse(Report(pruner, h, 2, 1, 0.05));   // 3 values, keep 1: 0.05 is the best
    }

    [TestMethod]
    public void BadOptionsNameTheOption()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(new() { ReductionFactor = 1 })).Message, "ReductionFactor");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(new() { MinResource = 0 })).Message, "MinResource");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(new() { MinEarlyStoppingRate = -1 })).Message, "MinEarlyStoppingRate");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SuccessiveHalvingPruner(new() { BootstrapCount = 1 })).Message, "BootstrapCount");
    }
}
