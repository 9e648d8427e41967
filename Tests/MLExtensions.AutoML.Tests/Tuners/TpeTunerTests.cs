namespace MLExtensions.AutoML.Tests.Tuners;

[TestClass]
public sealed class TpeTunerTests
{
    [TestMethod]
    public void StartupTrialsAreRandomThenTheEstimatorsTakeOver()
    {
        var ss = TunerTestSpaces.Flat();
        var tpe = new TpeTuner(ss, new TpeOptions { Seed = 5 });
        var random = new RandomSearchTuner(ss, 5);
        // Same generator, same draws while n < 10.
        for (int id = 0; id < 10; id++)
        {
            Parameter p = tpe.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            Assert.AreEqual(random.Propose(new TrialSettings { TrialId = id, Parameter = p }).ToJson(), p.ToJson());
            tpe.Update(TunerTestSpaces.Result(id, p, p["X"].AsType<double>()));
        }

        // From trial 10 on, l(x) is built from the best trial (γ(10) = 1): X concentrates near the best X.
        var xs = new List<double>();
        for (int id = 10; id < 40; id++)
        {
            Parameter p = tpe.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            xs.Add(p["X"].AsType<double>());
            tpe.Update(TunerTestSpaces.Result(id, p, p["X"].AsType<double>()));
        }

        Assert.IsTrue(xs.Skip(10).Average() < 0.3, $"mean X after 20 model-based trials: {xs.Skip(10).Average()}");
    }

    [TestMethod]
    public void SameSeedAndHistoryGiveTheSameProposalsAndTunersDoNotInterfere()
    {
        var a = new TpeTuner(TunerTestSpaces.Conditional(), new TpeOptions { Seed = 11 });
        var b = new TpeTuner(TunerTestSpaces.Conditional(), new TpeOptions { Seed = 11 });
        var other = new TpeTuner(TunerTestSpaces.Conditional(), new TpeOptions { Seed = 12 });
        // Interleave a, other, b: each owns its generator.
        var runA = new List<string>();
        var runB = new List<string>();
        for (int id = 0; id < 30; id++)
        {
            Parameter pa = a.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            Parameter po = other.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            Parameter pb = b.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            a.Update(TunerTestSpaces.Result(id, pa, TunerTestSpaces.ConditionalLoss(pa)));
            other.Update(TunerTestSpaces.Result(id, po, TunerTestSpaces.ConditionalLoss(po)));
            b.Update(TunerTestSpaces.Result(id, pb, TunerTestSpaces.ConditionalLoss(pb)));
            runA.Add(pa.ToJson());
            runB.Add(pb.ToJson());
        }

        CollectionAssert.AreEqual(runA, runB);
    }

    [TestMethod]
    public void FailedTrialsNeverEnterTheGoodGroup()
    {
        var history = new List<TrialObservation>();
        for (int i = 0; i < 20; i++)
        {
            history.Add(new TrialObservation(i, [i / 20.0], i < 18 ? TrialState.Failed : TrialState.Complete, i < 18 ? double.NaN : 5.0 + i, double.NaN, 1, []));
        }

        TpeSplit split = TpeSplit.Compute(history, TpeOptions.DefaultGamma);
        Assert.AreEqual(20, split.Count);
        // γ(20) = 2: the two complete trials, however bad, and none of the failed ones.
        CollectionAssert.AreEqual(new[] { 18, 19 }, split.Below.Select(o => o.TrialId).ToArray());
        Assert.AreEqual(18, split.Above.Count);

        var allFailed = history.Take(18).ToList();
        Assert.AreEqual(0, TpeSplit.Compute(allFailed, TpeOptions.DefaultGamma).Below.Count);
    }

    [TestMethod]
    public void PrunedTrialsOfAMaximizedMetricRankByTheNegatedValue()
    {
        // Loss = −Metric: the tuner learns that the metric is maximized, so a pruned trial with a higher value at the
        // same step ranks better.
        var history = new List<TrialObservation>
        {
            new(0, [0.1], TrialState.Complete, -0.9, 0.9, 1, []),
            new(1, [0.2], TrialState.Pruned, double.NaN, double.NaN, 1, [(1, 0.3), (2, 0.4)]),
            new(2, [0.3], TrialState.Pruned, double.NaN, double.NaN, 1, [(1, 0.5), (2, 0.8)]),
            new(3, [0.4], TrialState.Pruned, double.NaN, double.NaN, 1, [(1, 0.9)]),
        };
        for (int i = 4; i < 21; i++)
        {
            history.Add(new TrialObservation(i, [0.5], TrialState.Pruned, double.NaN, double.NaN, 1, []));
        }

        // n = 21, γ = 3: the complete trial, then the step-2 trials by −value (trial 2 before trial 1).
        TpeSplit split = TpeSplit.Compute(history, TpeOptions.DefaultGamma);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, split.Below.Select(o => o.TrialId).ToArray());
        split = TpeSplit.Compute(history, _ => 2);
        CollectionAssert.AreEqual(new[] { 0, 2 }, split.Below.Select(o => o.TrialId).ToArray());
    }

    [TestMethod]
    public void BeatsRandomSearchOnASyntheticFunctionInMedianOverTenSeeds()
    {
        // Branin-like smooth function on the flat space (X, log Y, N, C); 60 trials each; median best over seeds 0..9.
        static double Loss(Parameter p)
        {
            double x = p["X"].AsType<double>(), y = Math.Log10(p["Y"].AsType<double>()), n = p["N"].AsType<double>();
            double c = p["C"].AsType<string>() == "b" ? 0 : 0.3;
            return Math.Pow(x - 0.7, 2) + Math.Pow(y + 1, 2) / 4 + Math.Pow((n - 20) / 100, 2) + c;
        }

        var tpeBest = new List<double>();
        var randomBest = new List<double>();
        for (int seed = 0; seed < 10; seed++)
        {
            tpeBest.Add(TunerTestSpaces.Run(new TpeTuner(TunerTestSpaces.Flat(), new TpeOptions { Seed = seed }), p => (Loss(p), 1), 60).Min(r => r.Loss));
            randomBest.Add(TunerTestSpaces.Run(new RandomSearchTuner(TunerTestSpaces.Flat(), seed), p => (Loss(p), 1), 60).Min(r => r.Loss));
        }

        double Median(List<double> v) => v.Order().Skip(4).Take(2).Average();
        Assert.IsTrue(Median(tpeBest) < Median(randomBest), $"TPE median best {Median(tpeBest)}, random {Median(randomBest)}");
        Assert.IsTrue(tpeBest.Zip(randomBest).Count(t => t.First < t.Second) >= 7, "TPE wins on most seeds");
    }

    [TestMethod]
    public void OnAConditionalSpaceEveryDimensionUsesOnlyTheTrialsWhereItWasActive()
    {
        var ss = TunerTestSpaces.Conditional();
        var tpe = new TpeTuner(ss, new TpeOptions { Seed = 2 });
        var history = TunerTestSpaces.Run(tpe, p => (TunerTestSpaces.ConditionalLoss(p), 1), 120);
        foreach (var (p, _) in history)
        {
            TunerTestSpaces.AssertWithinBoundsAndActive(p);
        }

        // It finds the better branch (nn + adam) and spends most of the later trials there.
        var late = history.Skip(60).Select(h => h.Parameter["Trainer"]).ToList();
        Assert.IsTrue(late.Count(t => t["Kind"].AsType<string>() == "nn") > 40, "nn chosen in the second half");
        Assert.IsTrue(history.Min(h => h.Loss) < 0.1, $"best {history.Min(h => h.Loss)}");
    }
}
