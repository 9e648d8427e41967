namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>FLOW2's arithmetic (ALGORITHMS.md E1, E7): step size, direction pairs, the √(K_old/K) schedule, convergence.</summary>
[TestClass]
public sealed class Flow2SearchTests
{
    [TestMethod]
    public void StepScalesWithTheSquareRootOfTheDimension()
    {
        var s4 = new Flow2Search([0.5, 0.5, 0.5, 0.5], new Random(0));
        Assert.AreEqual(0.2, s4.Step, 1e-15);
        Assert.AreEqual(2.0, s4.StepUpperBound, 1e-15);
        Assert.AreEqual(2e-4, s4.StepLower, 1e-18);
        Assert.AreEqual(16, s4.DirectionPatience);
        var s16 = new Flow2Search(new double[16], new Random(0));
        Assert.AreEqual(0.4, s16.Step, 1e-15);
        Assert.AreEqual(512, new Flow2Search(new double[12], new Random(0)).DirectionPatience);
    }

    [TestMethod]
    public void FirstTheStartThenAStepAndItsOpposite()
    {
        double[] start = [0.5, 0.5, 0.5];
        var s = new Flow2Search(start, new Random(1));
        CollectionAssert.AreEqual(start, s.Suggest(0));
        s.Complete(0, 1.0);
        double[] plus = s.Suggest(1)!;
        double[] delta = plus.Zip(start, (a, b) => a - b).ToArray();
        Assert.AreEqual(s.Step, Math.Sqrt(delta.Sum(v => v * v)), 1e-12, "|x+ − x| = δ");
        s.Complete(1, 2.0);
        double[] minus = s.Suggest(2)!;
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(start[i] - delta[i], minus[i], 1e-12, "x− = x − δu");
        }
    }

    [TestMethod]
    public void StepShrinksBySqrtOfOldKOverKAfterPatienceWithoutImprovement()
    {
        var s = new Flow2Search([0.5, 0.5], new Random(2)); // d = 2: δ0 = 0.1√2, patience 4
        double step0 = s.Step;
        s.Suggest(0);
        s.Complete(0, 0.0); // the start is the incumbent; completed count 2 = iteration of the best
        for (int id = 1; id <= 4; id++)
        {
            s.Suggest(id);
            s.Complete(id, 1.0);
        }

        // After 4 proposals: K_old = 2 (iteration of best), K = proposed (1 + 4) + 1 = 6.
        Assert.AreEqual(6, s.K);
        Assert.AreEqual(2, s.OldK);
        Assert.AreEqual(step0 * Math.Sqrt(2.0 / 6), s.Step, 1e-15);
        Assert.IsFalse(s.InitPhase);
        // Two more proposals reach the patience again: K_old = 6, K = 8.
        for (int id = 5; id <= 6; id++)
        {
            s.Suggest(id);
            s.Complete(id, 1.0);
        }

        Assert.AreEqual(step0 * Math.Sqrt(2.0 / 6) * Math.Sqrt(6.0 / 8), s.Step, 1e-15);
        // An improvement restores the proposal's step and scales it by √(K/K_old).
        double stepAtProposal = s.Step;
        s.Suggest(7);
        Assert.IsTrue(s.Complete(7, -1.0));
        Assert.AreEqual(stepAtProposal * Math.Sqrt(8.0 / 6), s.Step, 1e-15);
        Assert.AreEqual(0, s.ProposedByIncumbent);
    }

    [TestMethod]
    public void OnlyStrictImprovementsMoveTheIncumbentAndFailuresNever()
    {
        var s = new Flow2Search([0.2], new Random(3));
        s.Suggest(0);
        s.Complete(0, 1.0);
        double[] p = s.Suggest(1)!;
        Assert.IsFalse(s.Complete(1, 1.0), "equal is not better");
        s.Suggest(2);
        Assert.IsFalse(s.Complete(2, double.NaN), "a failure is never an improvement");
        CollectionAssert.AreEqual(new[] { 0.2 }, s.Incumbent);
        Assert.AreNotEqual(0.2, p[0]);
    }

    [TestMethod]
    public void ConvergesOnAConvexQuadratic()
    {
        double[] c = [0.8, 0.3, 0.6];
        double F(double[] x) => x.Zip(c, (a, b) => (a - b) * (a - b)).Sum();
        var s = new Flow2Search([0, 0, 0], new Random(4));
        double best = double.PositiveInfinity;
        for (int id = 0; id < 400; id++)
        {
            double[] x = s.Suggest(id)!;
            double f = F(x);
            best = Math.Min(best, f);
            s.Complete(id, f);
        }

        Assert.IsTrue(best < 1e-3, $"best {best}");
        Assert.AreEqual(best, s.BestLoss!.Value, 0);
    }

    [TestMethod]
    public void ConvergesWhenTheStepFallsBelowItsBound()
    {
        // Bound 0.01 per √d (FLAML's 1e-4 needs K ≈ 2·10^6 proposals in one dimension).
        var s = new Flow2Search([0.5], new Random(5), stepLowerBound: 0.01);
        s.Suggest(0);
        s.Complete(0, 0);
        int id = 1;
        // Every 2 proposals the step shrinks by √(K_old/K) with K growing by 2: δ = 0.1·√(2/K) < 0.01 once K > 200.
        while (!s.Converged && id < 1000)
        {
            if (s.Suggest(id) is null)
            {
                break;
            }

            s.Complete(id++, 1);
        }

        Assert.IsTrue(s.Converged);
        Assert.IsTrue(id is > 195 and < 210, $"converged after {id} proposals");
        Assert.IsNull(s.Suggest(id));
        Assert.IsTrue(s.Step < s.StepLower);
    }
}
