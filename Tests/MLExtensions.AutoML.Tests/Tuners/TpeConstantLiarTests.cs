namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>
/// TPE's constant liar (<see cref="TpeOptions.ConstantLiar"/>): running trials rank after every finished one, so they sit in
/// g(x) until their result arrives (the split itself is checked against Optuna in <see cref="TpeGoldenTests"/>).
/// </summary>
[TestClass]
public sealed class TpeConstantLiarTests
{
    private static TpeTuner Started(bool liar)
    {
        var tpe = new TpeTuner(TunerTestSpaces.Flat(), new TpeOptions { Seed = 3, ConstantLiar = liar });
        for (int id = 0; id < 10; id++)
        {
            Parameter p = tpe.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });
            tpe.Update(TunerTestSpaces.Result(id, p, p["X"].AsType<double>()));
        }

        return tpe;
    }

    private static Parameter Propose(TpeTuner tpe, int id) =>
        tpe.Propose(new TrialSettings { TrialId = id, Parameter = Parameter.CreateNestedParameter() });

    [TestMethod]
    public void OwnProposals_AreRunningUntilTheirResultArrives()
    {
        var tpe = Started(liar: true);
        Parameter p10 = Propose(tpe, 10);
        Propose(tpe, 11);
        var split = tpe.CurrentSplit();
        Assert.AreEqual(10, split.Count, "running trials are not counted in n");
        CollectionAssert.IsSubsetOf(new[] { 10, 11 }, split.Above.Select(o => o.TrialId).ToArray());
        Assert.IsFalse(split.Below.Any(o => o.TrialId >= 10));

        tpe.Update(TunerTestSpaces.Result(10, p10, -1));   // the best loss so far
        split = tpe.CurrentSplit();
        Assert.AreEqual(11, split.Count);
        CollectionAssert.Contains(split.Below.Select(o => o.TrialId).ToArray(), 10);   // γ(11) = 2 trials, the new best among them
        Assert.AreEqual(TrialState.Running, split.Above.Single(o => o.TrialId == 11).State);
    }

    [TestMethod]
    public void OtherWorkersRunningTrials_AreRunningToo_AndReplacedOnEveryObservation()
    {
        var tpe = Started(liar: true);
        var elsewhere = Propose(Started(liar: false), 20);
        tpe.ObserveRunning([(20, elsewhere), (3, elsewhere)]);   // trial 3 has a result here: skipped
        var above = tpe.CurrentSplit().Above;
        Assert.AreEqual(TrialState.Running, above.Single(o => o.TrialId == 20).State);
        Assert.AreEqual(TrialState.Complete, tpe.CurrentSplit().Below.Concat(above).Single(o => o.TrialId == 3).State);

        tpe.ObserveRunning([]);
        Assert.IsFalse(tpe.CurrentSplit().Above.Any(o => o.TrialId == 20));
    }

    [TestMethod]
    public void WithoutTheLiar_RunningTrialsAreIgnored_AsOptunasDefault()
    {
        var tpe = Started(liar: false);
        Propose(tpe, 10);
        tpe.ObserveRunning([(11, Propose(Started(liar: false), 11))]);
        Assert.IsFalse(tpe.CurrentSplit().Above.Concat(tpe.CurrentSplit().Below).Any(o => o.TrialId >= 10));
    }
}
