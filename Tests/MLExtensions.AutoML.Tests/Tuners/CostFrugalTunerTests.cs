namespace MLExtensions.AutoML.Tests.Tuners;

[TestClass]
public sealed class CostFrugalTunerTests
{
    private static SearchSpace EpochsAndRate() => new()
    {
        ["Epochs"] = new UniformIntOption(1, 100, defaultValue: 50),
        ["Rate"] = new UniformDoubleOption(1e-4, 1, logBase: true, defaultValue: 1e-2),
    };

    [TestMethod]
    public void StartsAtTheLowCostPointAndCostGrowsGradually()
    {
        var ss = EpochsAndRate();
        var cfo = new CostFrugalTuner(ss, new CostFrugalTunerOptions { LowCostHints = new Dictionary<string, double> { ["Epochs"] = 0 } });
        // The loss falls with more epochs up to 60; the cost is the epochs.
        var history = TunerTestSpaces.Run(cfo, p =>
        {
            double e = p["Epochs"].AsType<double>(), r = Math.Log10(p["Rate"].AsType<double>());
            return (Math.Pow((e - 60) / 100, 2) + Math.Pow(r + 1.5, 2) / 10, e);
        }, 60);
        double[] epochs = history.Select(h => h.Parameter["Epochs"].AsType<double>()).ToArray();
        Assert.AreEqual(1, epochs[0], "the first trial is the low-cost start, not the default 50");
        // δ = 0.1·√2 in [0, 1]² moves Epochs by at most ~14 per accepted step.
        for (int i = 1; i < 6; i++)
        {
            Assert.IsTrue(epochs[i] <= 1 + (15 * i), $"trial {i}: {epochs[i]} epochs");
        }

        Assert.IsTrue(epochs.Take(10).Sum() < epochs.Skip(50).Sum(), "the first 10 trials cost less than the last 10");
        Assert.IsTrue(history.Min(h => h.Loss) < 0.03, $"best {history.Min(h => h.Loss)}");
    }

    [TestMethod]
    public void StepUsesTheFeatureDimensionsNotTheTopLevelKeys()
    {
        // One top-level key holding 8 feature dimensions: δ0 = 0.1·√8 (ML.NET's Flow2 would use 0.1·√1).
        var ss = new SearchSpace { ["_pipeline_"] = TunerTestSpaces.Conditional() };
        var cfo = new CostFrugalTuner(ss);
        Assert.AreEqual(ss.FeatureSpaceDim, cfo.Search.Dimension);
        Assert.AreEqual(0.1 * Math.Sqrt(ss.FeatureSpaceDim), cfo.Search.Step, 1e-15);
        Assert.IsTrue(ss.FeatureSpaceDim >= 8);
    }

    [TestMethod]
    public void RestartsAroundTheBestPointNotTheDefault()
    {
        var ss = new SearchSpace { ["X"] = new UniformDoubleOption(0, 1, defaultValue: 0.1), ["Y"] = new UniformDoubleOption(0, 1, defaultValue: 0.1) };
        var cfo = new CostFrugalTuner(ss, new CostFrugalTunerOptions { Seed = 1, StepLowerBound = 0.05 });
        double F(Parameter p) => Math.Pow(p["X"].AsType<double>() - 0.9, 2) + Math.Pow(p["Y"].AsType<double>() - 0.8, 2);
        double[]? restartStart = null;
        double[]? bestBefore = null;
        for (int id = 0; id < 400 && restartStart is null; id++)
        {
            int restarts = cfo.Restarts;
            double[] before = cfo.Search.Incumbent;
            Parameter p = cfo.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            if (cfo.Restarts > restarts)
            {
                restartStart = [p["X"].AsType<double>(), p["Y"].AsType<double>()];
                bestBefore = before;
            }

            cfo.Update(TunerTestSpaces.Result(id, p, F(p)));
        }

        Assert.IsNotNull(restartStart, "the search converged and restarted");
        double toBest = Math.Sqrt(Math.Pow(restartStart[0] - bestBefore![0], 2) + Math.Pow(restartStart[1] - bestBefore[1], 2));
        double toDefault = Math.Sqrt(Math.Pow(restartStart[0] - 0.1, 2) + Math.Pow(restartStart[1] - 0.1, 2));
        Assert.IsTrue(toBest <= (0.1 * Math.Sqrt(2)) + 1e-9, $"restart {toBest} from the best");
        Assert.IsTrue(toDefault > 0.5, $"restart {toDefault} from the default");
    }

    [TestMethod]
    public void ABetterTrialItDidNotProposeMovesTheSearchThere()
    {
        var ss = EpochsAndRate();
        var cfo = new CostFrugalTuner(ss);
        Parameter first = cfo.Propose(new TrialSettings { TrialId = 0, Parameter = Parameter.CreateNestedParameter() });
        cfo.Update(TunerTestSpaces.Result(0, first, 1.0));
        // A resumed history: trial 100 (not proposed here) was better.
        Parameter external = Parameter.FromJson("""{"Epochs":80,"Rate":0.5}""");
        cfo.Update(TunerTestSpaces.Result(100, external, 0.1));
        Assert.AreEqual(0.1, cfo.BestLoss);
        CollectionAssert.AreEqual(ss.MappingToFeatureSpace(external), cfo.Search.Incumbent);
        Parameter next = cfo.Propose(new TrialSettings { TrialId = 1, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreNotEqual(external.ToJson(), next.ToJson(), "it moves from there rather than re-running it");
        Assert.IsTrue(Math.Abs(next["Epochs"].AsType<double>() - 80) <= 15);
    }

    [TestMethod]
    public void UnknownHintsAreRejectedNamingTheOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new CostFrugalTuner(EpochsAndRate(), new CostFrugalTunerOptions { LowCostHints = new Dictionary<string, double> { ["Epoch"] = 0 } }));
        StringAssert.Contains(ex.Message, "LowCostHints");
        StringAssert.Contains(ex.Message, "'Epoch'");
    }
}
