using Microsoft.ML;

namespace MLExtensions.AutoML.Tests.Tuners;

[TestClass]
public sealed class EciCostFrugalTunerTests
{
    private static SearchSpace TwoTrainers() => new()
    {
        ["Trainer"] = new OneOfOption(
            new KeyValuePair<string, SearchSpace>("cheap", new SearchSpace { ["A"] = new UniformDoubleOption(0, 1, defaultValue: 0) }),
            new KeyValuePair<string, SearchSpace>("costly", new SearchSpace { ["B"] = new UniformDoubleOption(0, 1, defaultValue: 0) })),
    };

    private static TrialResult Trial(SearchSpace ss, int id, string kind, double value, double loss, double ms) =>
        TunerTestSpaces.Result(id, Parameter.FromJson("{\"Trainer\":{\"Kind\":\"" + kind + "\",\"" + (kind == "cheap" ? "A" : "B") + "\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}"), loss, ms);

    [TestMethod]
    public void MovesTheBudgetTowardTheCheaperBetterBranch()
    {
        var ss = TwoTrainers();
        var eci = new EciCostFrugalTuner(ss, new EciCostFrugalTunerOptions { Seed = 3 });
        var history = TunerTestSpaces.Run(eci, p =>
        {
            Parameter t = p["Trainer"];
            return t["Kind"].AsType<string>() == "cheap"
                ? (Math.Pow(t["A"].AsType<double>() - 0.4, 2), 10)
                : (0.3 + Math.Pow(t["B"].AsType<double>() - 0.4, 2), 500);
        }, 80);
        int cheap = history.Count(h => h.Parameter["Trainer"]["Kind"].AsType<string>() == "cheap");
        Assert.IsTrue(cheap >= 65, $"{cheap} of 80 trials on the cheaper, better branch");
        Assert.IsTrue(history.Any(h => h.Parameter["Trainer"]["Kind"].AsType<string>() == "costly"), "the other branch is tried");
        Assert.IsTrue(history.Min(h => h.Loss) < 0.01);
    }

    [TestMethod]
    public void EstimatedCostsFollowTheHandComputedCase()
    {
        var ss = TwoTrainers();
        var eci = new EciCostFrugalTuner(ss);
        // cheap: losses 0.6, 0.5, 0.55 in 10, 20, 30 ms → C = 60, K1 = 30, K2 = 10: max(C − K1, K1 − K2) = 30;
        // behind the global best 0.2 after two improvements: (0.5 − 0.2)·(30 − 10)/(0.6 − 0.5) = 60.
        eci.Update(Trial(ss, 0, "cheap", 0.1, 0.6, 10));
        eci.Update(Trial(ss, 1, "cheap", 0.2, 0.5, 20));
        eci.Update(Trial(ss, 2, "cheap", 0.3, 0.55, 30));
        // costly: one trial, loss 0.2 in 100 ms → max(100 − 100, 100 − 0) = 100.
        eci.Update(Trial(ss, 3, "costly", 0.1, 0.2, 100));
        double[] costs = eci.EstimatedCosts();
        Assert.AreEqual(60, costs[0], 1e-12);
        Assert.AreEqual(100, costs[1], 1e-12);
    }

    [TestMethod]
    public void UntriedBranchesUseTheirPriorScaledByObservedTime()
    {
        var ss = TwoTrainers();
        var eci = new EciCostFrugalTuner(ss, new EciCostFrugalTunerOptions { CostPriors = new Dictionary<string, double> { ["cheap"] = 1, ["costly"] = 4 } });
        // First proposal: the lowest prior.
        Parameter first = eci.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreEqual("cheap", first["Trainer"]["Kind"].AsType<string>());
        eci.Update(TunerTestSpaces.Result(0, first, 0.5, 25));
        // 25 ms per prior unit: costly's estimate is 4 · 25 = 100 ms.
        Assert.AreEqual(100, eci.EstimatedCosts()[1], 1e-12);
    }

    [TestMethod]
    public void AnUnknownBranchNeverGetsTheLowestPrior()
    {
        var eci = new EciCostFrugalTuner(TwoTrainers(), new EciCostFrugalTunerOptions { CostPriors = new Dictionary<string, double> { ["costly"] = 5, } });
        CollectionAssert.AreEqual(new[] { 5.0, 5.0 }, eci.CostPriors.ToArray());
        var given = new EciCostFrugalTuner(TwoTrainers(), new EciCostFrugalTunerOptions { CostPriors = new Dictionary<string, double> { ["costly"] = 1, ["cheap"] = 10 } });
        Parameter first = given.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreEqual("costly", first["Trainer"]["Kind"].AsType<string>());
    }

    [TestMethod]
    public void ABranchThatOnlyFailsIsPenalized()
    {
        var ss = TwoTrainers();
        var eci = new EciCostFrugalTuner(ss);
        eci.Update(Trial(ss, 0, "cheap", 0.1, 0.5, 10));
        eci.Update(TunerTestSpaces.Result(1, Parameter.FromJson("""{"Trainer":{"Kind":"costly","B":0.5}}"""), double.NaN, 1, TrialState.Failed));
        double[] costs = eci.EstimatedCosts();
        Assert.AreEqual(2 * costs[0], costs[1], 1e-12);
    }

    [TestMethod]
    public void APipelinesSchemasAreTheBranchesWithTheirEstimatorsCostPriors()
    {
        static SweepableEstimator Named(string name, double cost) =>
            new((ctx, _) => ctx.Transforms.CopyColumns(name + "Out", "Features"), new SearchSpace { ["v"] = new UniformDoubleOption(0, 1) }, name, cost);
        SweepablePipeline pipeline = new Microsoft.ML.MLContext(1).AutoML().CreateSweepablePipeline().Append(Named("Costly", 8), Named("Cheap", 2));
        var eci = new EciCostFrugalTuner(pipeline);
        CollectionAssert.AreEqual(pipeline.Schemas.ToArray(), eci.BranchNames.ToArray());
        CollectionAssert.AreEqual(new[] { 8.0, 2.0 }, eci.CostPriors.ToArray());
        // The first trial goes to the cheaper schema, and every proposal builds.
        Parameter first = eci.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreEqual(pipeline.Schemas[1], first[SweepablePipeline.SchemaKey]["Kind"].AsType<string>());
        Assert.IsNotNull(pipeline.BuildFromOption(new Microsoft.ML.MLContext(1), first));
        var overridden = new EciCostFrugalTuner(pipeline, new EciCostFrugalTunerOptions { CostPriors = new Dictionary<string, double> { [pipeline.Schemas[0]] = 1 } });
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, overridden.CostPriors.ToArray());
    }

    [TestMethod]
    public void BadOptionsAreRejectedNamingThem()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new EciCostFrugalTuner(TwoTrainers(), new EciCostFrugalTunerOptions { CostPriors = new Dictionary<string, double> { ["lightgbm"] = 1 } })).Message, "'lightgbm'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new EciCostFrugalTuner(TunerTestSpaces.Flat())).Message, "EstimatorKey");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new EciCostFrugalTuner(TwoTrainers(), new EciCostFrugalTunerOptions { EstimatorKey = "Model" })).Message, "'Model'");
    }
}
