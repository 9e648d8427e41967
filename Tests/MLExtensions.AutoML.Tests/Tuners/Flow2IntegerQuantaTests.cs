using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>CFO's step lower bound honours integer quanta: one integer unit in feature space, as FLOW2's step_lb.</summary>
[TestClass]
public sealed class Flow2IntegerQuantaTests
{
    [TestMethod]
    public void ALinearIntegersLowerBoundIsOneUnit()
    {
        var cfo = new CostFrugalTuner(new SearchSpace { ["k"] = new UniformIntOption(1, 11, defaultValue: 3) });
        Assert.AreEqual(0.1, cfo.Search.StepLower, 1e-15, "1/(max − min) · √1");
    }

    [TestMethod]
    public void ALogIntegersLowerBoundIsOneUnitAtTheIncumbent()
    {
        var cfo = new CostFrugalTuner(new SearchSpace { ["n"] = new UniformIntOption(1, 100, logBase: true, defaultValue: 10) });
        Assert.AreEqual(Math.Log(1.1) / Math.Log(100), cfo.Search.StepLower, 1e-12, "ln(1 + 1/10)/ln(100/1) at n = 10");
    }

    [TestMethod]
    public void TheFinestIntegerDecidesAndContinuousDimensionsKeepTheDefaultBound()
    {
        var mixed = new CostFrugalTuner(new SearchSpace
        {
            ["a"] = new UniformIntOption(0, 4, defaultValue: 2),
            ["b"] = new UniformIntOption(0, 40, defaultValue: 2),
            ["x"] = new UniformDoubleOption(0, 1),
        });
        Assert.AreEqual(Math.Sqrt(3) / 40, mixed.Search.StepLower, 1e-15, "the finest integer (1/40) · √3");

        var continuous = new CostFrugalTuner(new SearchSpace { ["x"] = new UniformDoubleOption(0, 1), ["y"] = new UniformDoubleOption(1, 10, logBase: true) });
        Assert.AreEqual(1e-4 * Math.Sqrt(2), continuous.Search.StepLower, 1e-18);
    }

    [TestMethod]
    public void AnIntegerOfAnInactiveBranchIsIgnored()
    {
        var space = new SearchSpace
        {
            ["m"] = new OneOfOption(
                new KeyValuePair<string, SearchSpace>("fine", new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) }),
                new KeyValuePair<string, SearchSpace>("coarse", new SearchSpace { ["k"] = new UniformIntOption(0, 2) })),
        };
        var cfo = new CostFrugalTuner(space); // default branch "fine": k is inactive
        Assert.AreEqual(1e-4 * Math.Sqrt(cfo.Search.Dimension), cfo.Search.StepLower, 1e-18);
    }

    [TestMethod]
    public void OnAnIntegerSpaceTheSearchConvergesOnceTheStepIsBelowOneUnit()
    {
        // A flat loss: no move improves. With the 1e-4 bound the step would need ~10^6 proposals to converge; one unit
        // (0.1 here) is reached within a few decays, after which CFO restarts elsewhere.
        var cfo = new CostFrugalTuner(new SearchSpace { ["k"] = new UniformIntOption(1, 11, defaultValue: 3) });
        for (int id = 0; id < 40; id++)
        {
            var p = cfo.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            cfo.Update(new TrialResult { TrialSettings = new TrialSettings { TrialId = id, Parameter = p }, Loss = 1, Metric = 1, State = TrialState.Complete, DurationInMilliseconds = 1 });
        }

        Assert.IsTrue(cfo.Restarts >= 1, $"restarts: {cfo.Restarts}");
    }
}
