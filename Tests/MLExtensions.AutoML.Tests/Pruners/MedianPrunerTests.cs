using MLExtensions.AutoML;
using static MLExtensions.AutoML.Tests.PrunerReports;

namespace MLExtensions.AutoML.Tests;

/// <summary>Hand-computed cases of <see cref="MedianPruner"/> and <see cref="PercentilePruner"/> (Optuna's rules).</summary>
[TestClass]
public sealed class MedianPrunerTests
{
    // Complete trials 0..count-1 whose loss at step s is values[i] + s - 1.
    private static TrialHistory Completed(params double[] values)
    {
        var h = new TrialHistory();
        for (int i = 0; i < values.Length; i++)
        {
            h.AddTrial(i);
            for (int step = 1; step <= 3; step++)
            {
                h.Report(i, step, values[i] + step - 1);
            }

            h.SetState(i, TrialState.Complete);
        }

        return h;
    }

    [TestMethod]
    public void PrunesAboveTheMedianOfCompleteTrials()
    {
        var h = Completed(1, 2, 3, 4, 5);                       // median at step 1: 3
        var pruner = new MedianPruner();
        Assert.IsTrue(Report(pruner, h, 10, 1, 3.5));
        Assert.IsFalse(Report(pruner, h, 11, 1, 3.0));          // equal to the median: kept
    }

    [TestMethod]
    public void EvenCountsInterpolate()
    {
        var h = Completed(1, 2, 3, 4, 5, 6);                    // median 3.5
        var pruner = new MedianPruner();
        Assert.IsFalse(Report(pruner, h, 10, 1, 3.5));
        Assert.IsTrue(Report(pruner, h, 11, 1, 3.51));
        Assert.AreEqual(2.5, MedianPruner.NanMedian([4, 1, double.NaN, 2, 3]));
    }

    [TestMethod]
    public void NothingIsPrunedDuringStartup()
    {
        var h = Completed(1, 2, 3, 4);                          // 4 complete < 5 startup trials
        Assert.IsFalse(Report(new MedianPruner(), h, 10, 1, 100));
        Assert.IsTrue(Report(new MedianPruner(new() { StartupTrials = 4 }), h, 11, 1, 100));
    }

    [TestMethod]
    public void TheTrialsBestValueSoFarIsCompared()
    {
        var h = Completed(1, 2, 3, 4, 5);                       // median at step 2: 4
        var pruner = new MedianPruner();
        Assert.IsFalse(Report(pruner, h, 10, 1, 2.0));          // median at step 1 is 3
        Assert.IsFalse(Report(pruner, h, 10, 2, 9.0));          // best so far 2.0 <= 4
    }

    [TestMethod]
    public void WarmupAndIntervalSkipSteps()
    {
        var h = Completed(1, 2, 3, 4, 5);
        var pruner = new MedianPruner(new() { WarmupSteps = 2, IntervalSteps = 2 });
        Assert.IsFalse(Report(pruner, h, 10, 1, 100));          // warm-up
        Assert.IsTrue(Report(pruner, h, 11, 2, 100));           // step 2: first of [2, 4)
        Assert.IsFalse(Report(pruner, h, 12, 2, 1));
        Assert.IsFalse(Report(pruner, h, 12, 3, 100));          // step 3: same interval as step 2, not checked
    }

    [TestMethod]
    public void AllNaNValuesArePrunedAndMinTrialsIsRespected()
    {
        var h = Completed(1, 2, 3, 4, 5);
        Assert.IsTrue(Report(new MedianPruner(), h, 10, 1, double.NaN));
        Assert.IsFalse(Report(new MedianPruner(new() { MinTrials = 6 }), h, 11, 1, 100));   // only 5 values at step 1
        Assert.IsFalse(Report(new MedianPruner(), h, 12, 7, 100));                          // no complete trial reported step 7
    }

    [TestMethod]
    public void BadOptionsNameTheOption()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MedianPruner(new() { IntervalSteps = 0 })).Message, "MedianPruner.Options.IntervalSteps");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MedianPruner(new() { StartupTrials = -1 })).Message, "StartupTrials");
    }

    [TestMethod]
    public void Percentile_InterpolatesAsNumpyAndIgnoresNaN()
    {
        // numpy.nanpercentile([4, 1, nan, 2, 3], p) for p = 0, 25, 50, 90, 100
        double[] values = [4, 1, double.NaN, 2, 3];
        Assert.AreEqual(1.0, PercentilePruner.NanPercentile(values, 0));
        Assert.AreEqual(1.75, PercentilePruner.NanPercentile(values, 25));
        Assert.AreEqual(2.5, PercentilePruner.NanPercentile(values, 50));
        Assert.AreEqual(3.7, PercentilePruner.NanPercentile(values, 90), 1e-15);
        Assert.AreEqual(4.0, PercentilePruner.NanPercentile(values, 100));
    }

    [TestMethod]
    public void Percentile_ALowerPercentilePrunesMore()
    {
        // Complete trials' losses at step 1: 10, 20, 30, 40, 50. A trial at 25 survives the median (30), not the 25th
        // percentile (20), and survives the 75th (40); the median pruner is the 50th percentile.
        var h = Completed(10, 20, 30, 40, 50);
        Assert.IsTrue(Report(new PercentilePruner(25), h, 10, 1, 25));
        Assert.IsFalse(Report(new PercentilePruner(50), h, 11, 1, 25));
        Assert.IsFalse(Report(new MedianPruner(), h, 12, 1, 25));
        Assert.IsFalse(Report(new PercentilePruner(75), h, 13, 1, 25));
        Assert.IsTrue(Report(new PercentilePruner(75), h, 14, 1, 45));
    }

    [TestMethod]
    [DataRow(-1.0)]
    [DataRow(100.5)]
    [DataRow(double.NaN)]
    public void Percentile_OutOfRange_ThrowsNamingIt(double percentile) =>
        Assert.AreEqual("percentile", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PercentilePruner(percentile)).ParamName);
}
