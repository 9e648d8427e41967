using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Hand-computed Hyperband arithmetic (ALGORITHMS.md E5/E7).</summary>
[TestClass]
public sealed class HyperbandPrunerTests
{
    private static HyperbandPruner Initialized(HyperbandPruner.Options options)
    {
        var pruner = new HyperbandPruner(options);
        var h = new TrialHistory();
        h.AddTrial(0);
        h.Report(0, 1, 1.0);
        pruner.ShouldPrune(0, 1, 1.0, h);
        return pruner;
    }

    [TestMethod]
    public void BracketCountAndBudgets()
    {
        // r=1, R=81, eta=3: n = floor(log3 81) + 1 = 5; budget_b = ceil(5 * 3^(4-b) / (5-b)) = 81, 34 (33.75), 15, 8 (7.5), 5.
        var p = Initialized(new() { MaxResource = 81 });
        Assert.AreEqual(5, p.BracketCount);
        CollectionAssert.AreEqual(new[] { 81, 34, 15, 8, 5 }, p.BracketBudgets.ToArray());
        // r=2, R=32, eta=2: n = floor(log2 16) + 1 = 5; ceil(5*16/5)=16, ceil(5*8/4)=10, ceil(5*4/3)=7, ceil(5*2/2)=5, 5.
        p = Initialized(new() { MinResource = 2, MaxResource = 32, ReductionFactor = 2 });
        CollectionAssert.AreEqual(new[] { 16, 10, 7, 5, 5 }, p.BracketBudgets.ToArray());
        // r=1, R=26, eta=3: log3 26 = 2.97 -> 3 brackets: ceil(3*9/3)=9, ceil(3*3/2)=5, 3.
        p = Initialized(new() { MaxResource = 26 });
        CollectionAssert.AreEqual(new[] { 9, 5, 3 }, p.BracketBudgets.ToArray());
    }

    [TestMethod]
    public void AutomaticMaxResourceWaitsForACompleteTrial()
    {
        var p = new HyperbandPruner();
        var h = new TrialHistory();
        h.AddTrial(0);
        for (int step = 1; step <= 26; step++)
        {
            h.Report(0, step, 1.0);
            Assert.IsFalse(p.ShouldPrune(0, step, 1.0, h));
        }

        Assert.IsNull(p.BracketCount);
        Assert.AreEqual(0, p.GetBracket(5));
        h.SetState(0, TrialState.Complete);                  // R = 26 + 1 = 27: n = 4
        h.AddTrial(1);
        h.Report(1, 1, 1.0);
        p.ShouldPrune(1, 1, 1.0, h);
        Assert.AreEqual(4, p.BracketCount);
        CollectionAssert.AreEqual(new[] { 27, 12, 6, 4 }, p.BracketBudgets.ToArray());
    }

    [TestMethod]
    public void BracketIsCrc32OfStudyAndTrialModuloTheBudgets()
    {
        var p = Initialized(new() { MaxResource = 81, StudyName = "hb81" });
        for (int trial = 0; trial < 50; trial++)
        {
            long n = Crc32.Compute(System.Text.Encoding.UTF8.GetBytes($"hb81_{trial}")) % 143;   // 81+34+15+8+5
            int expected = n < 81 ? 0 : n < 115 ? 1 : n < 130 ? 2 : n < 138 ? 3 : 4;
            Assert.AreEqual(expected, p.GetBracket(trial), $"trial {trial}");
        }
    }

    [TestMethod]
    public void BracketsDoNotCompete()
    {
        // Two trials in different brackets of the same rung-0 step each see only themselves.
        var p = Initialized(new() { MaxResource = 9, StudyName = "iso" });   // 3 brackets, rung 0 of bracket 0 at step 1
        var byBracket = Enumerable.Range(1, 200).GroupBy(p.GetBracket).ToDictionary(g => g.Key, g => g.ToList());
        int a = byBracket[0][0], b = byBracket[0][1], c = byBracket[1][0];
        var h = new TrialHistory();
        foreach (int id in new[] { a, b, c })
        {
            h.AddTrial(id);
        }

        h.Report(a, 3, 1.0);
        Assert.IsFalse(p.ShouldPrune(a, 3, 1.0, h));    // bracket 0: rungs at 1, 3: alone, promoted
        h.Report(c, 3, 5.0);
        Assert.IsFalse(p.ShouldPrune(c, 3, 5.0, h));    // bracket 1: rung 0 at 3: alone in its bracket, promoted despite a's 1.0
        h.Report(b, 3, 5.0);
        Assert.IsTrue(p.ShouldPrune(b, 3, 5.0, h));     // bracket 0: [1, 5], eta 3: must be best: pruned
    }

    [TestMethod]
    public void BadOptionsNameTheOption()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HyperbandPruner(new() { MinResource = 5, MaxResource = 4 })).Message, "MaxResource");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new HyperbandPruner(new() { StudyName = "" })).Message, "StudyName");
    }
}
