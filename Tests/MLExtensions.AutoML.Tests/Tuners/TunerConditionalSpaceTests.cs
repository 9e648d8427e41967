namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>Every tuner on the conditional space: bounds, inactive branches never sampled, reproducibility.</summary>
[TestClass]
public sealed class TunerConditionalSpaceTests
{
    public static IEnumerable<object[]> Tuners() =>
    [
        ["random"], ["grid"], ["tpe"], ["cfo"], ["eci"],
    ];

    private static ITuner Create(string name, SearchSpace ss, int seed) => name switch
    {
        "random" => new RandomSearchTuner(ss, seed),
        "grid" => new GridSearchTuner(ss, 3),
        "tpe" => new TpeTuner(ss, new TpeOptions { Seed = seed }),
        "cfo" => new CostFrugalTuner(ss, new CostFrugalTunerOptions { Seed = seed }),
        "eci" => new EciCostFrugalTuner(ss, new EciCostFrugalTunerOptions { Seed = seed }),
        _ => throw new ArgumentException(name),
    };

    private static double[] Point(ITuner tuner, int id) => tuner switch
    {
        RandomSearchTuner r => r.ProposePoint(),
        GridSearchTuner g => g.ProposePoint(),
        TpeTuner t => t.ProposePoint(),
        CostFrugalTuner c => c.ProposePoint(id),
        EciCostFrugalTuner e => e.ProposePoint(id),
        _ => throw new ArgumentException(tuner.GetType().Name),
    };

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void ProposalsStayInBoundsAndNeverSampleInactiveBranches(string name)
    {
        var ss = TunerTestSpaces.Conditional();
        ITuner tuner = Create(name, ss, 1);
        var kinds = new Dictionary<string, int>();
        for (int id = 0; id < 200; id++)
        {
            double[] x = Point(tuner, id);
            bool[] active = ss.IsActive(x);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.AreEqual(!active[i], double.IsNaN(x[i]), $"{name} trial {id}: dimension {ss.Dimensions[i].Path} active={active[i]} x={x[i]}");
                Assert.IsTrue(!active[i] || (x[i] >= 0 && x[i] <= 1), $"{name}: x[{i}] = {x[i]}");
            }

            Parameter p = ss.SampleFromFeatureSpace(x);
            TunerTestSpaces.AssertWithinBoundsAndActive(p);
            string kind = p["Trainer"]["Kind"].AsType<string>();
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            tuner.Update(TunerTestSpaces.Result(id, p, TunerTestSpaces.ConditionalLoss(p), kind == "nn" ? 5 : 1));
        }

        if (name == "random")
        {
            // Both branches get a fair share (binomial(200, 1/2) is in [70, 130] with probability > 0.9999).
            Assert.IsTrue(kinds.GetValueOrDefault("linear") >= 50 && kinds.GetValueOrDefault("nn") >= 50, string.Join(", ", kinds));
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void SameSeedAndHistoryGiveTheSameTrials(string name)
    {
        string Run(int seed)
        {
            var history = TunerTestSpaces.Run(Create(name, TunerTestSpaces.Conditional(), seed), p => (TunerTestSpaces.ConditionalLoss(p), 2), 40);
            return string.Join("\n", history.Select(h => h.Parameter.ToJson()));
        }

        string first = Run(3);
        Assert.AreEqual(first, Run(3));
        if (name != "grid")
        {
            Assert.AreNotEqual(first, Run(4), "another seed gives other trials");
        }
    }
}
