using System.Text.Json;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class LearningRateScheduleSearchSpaceTests
{
    private static readonly string[] Registered =
        typeof(LearningRateScheduleSpec).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!).ToArray();

    [TestMethod]
    public void EveryRegisteredScheduleIsSearchedOrExcludedWithAReason()
    {
        var space = new LearningRateScheduleSearchSpace(totalSteps: 500);
        CollectionAssert.AreEquivalent(Registered, space.Kinds.Concat(space.ExcludedKinds.Keys).ToArray());
        CollectionAssert.AreEquivalent(new[] { "refined", "sequential" }, space.ExcludedKinds.Keys.ToArray());
        StringAssert.Contains(space.ExcludedKinds["refined"], "Factors");
        StringAssert.Contains(space.ExcludedKinds["sequential"], "Schedules");   // its parts are the user's design
        Assert.AreEqual("constant", space.Option.DefaultBranch);
        var warmup = space.Option.Branches.Single(b => b.Key == "warmup").Value;
        var after = (OneOfOption)warmup["After"];
        Assert.IsFalse(after.BranchNames.Contains("warmup"), "warm-up wraps another schedule, not itself");
        Assert.IsTrue(after.BranchNames.Contains("cosine"));
    }

    [TestMethod]
    public void EveryKindIncludingNestedWarmupTargetsIsReachableAndValid()
    {
        var space = new LearningRateScheduleSearchSpace(totalSteps: 500);
        var ss = new SearchSpace { ["LearningRateSchedule"] = space.Option };
        var random = new Random(23);
        var seen = new HashSet<string>();
        for (var i = 0; i < 1500; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var p = ss.SampleFromFeatureSpace(x)["LearningRateSchedule"];
            var spec = space.ToSpec(p);
            spec.Validate();   // e.g. a one-cycle under warm-up never cycles the momentum, which warm-up would drop
            var kind = p["Kind"].AsType<string>();
            seen.Add(kind == "warmup" ? "warmup>" + p["After"]["Kind"].AsType<string>() : kind);
            for (var step = 0L; step < 500; step += 97)
            {
                var f = spec.Factor(step, 500);
                Assert.IsTrue(double.IsFinite(f) && f >= 0, $"{JsonSerializer.Serialize(spec)} step {step}: {f}");
            }
        }

        // Wrappers (warmup, and the feedback schedules hypergradient, lanton and plateau, which wrap a Base) do not nest: warm-up's
        // target is a one-of over every other kind.
        string[] wrappers = ["warmup", "hypergradient", "lanton", "plateau"];
        var nested = (OneOfOption)space.Option.Branches.Single(b => b.Key == "warmup").Value["After"];
        CollectionAssert.AreEquivalent(space.Kinds.Except(wrappers).ToArray(), nested.BranchNames.ToArray());
        foreach (var kind in space.Kinds.Where(k => k != "warmup"))   // warm-up is recorded as "warmup>target"
        {
            Assert.IsTrue(seen.Contains(kind), kind);
        }

        foreach (var kind in nested.BranchNames)
        {
            Assert.IsTrue(seen.Contains("warmup>" + kind), "warmup>" + kind);
        }

        foreach (var cycling in new[] { "one-cycle", "cyclic" })
        {
            var held = nested.Branches.Single(b => b.Key == cycling).Value;
            var direct = space.Option.Branches.Single(b => b.Key == cycling).Value;
            Assert.IsTrue(direct.ContainsKey("MaxMomentum"), cycling + " given directly searches its momentum range");
            Assert.IsFalse(held.ContainsKey("CycleMomentum") || held.ContainsKey("BaseMomentum") || held.ContainsKey("MaxMomentum"),
                cycling + " under warm-up: the momentum cycle is off, its range not searched");
        }
    }

    [TestMethod]
    public void ThePlateauBranchSearchesItsFactorAndPatience()
    {
        var plateau = new LearningRateScheduleSearchSpace().Option.Branches.Single(b => b.Key == "plateau").Value;
        var gamma = (UniformDoubleOption)plateau["Gamma"];
        Assert.AreEqual((0.05, 0.5, false), (gamma.Min, gamma.Max, gamma.LogBase));
        Assert.AreEqual(0.1, plateau.SampleFromFeatureSpace(plateau.Default)["Gamma"].AsType<double>(), 1e-12);
        var patience = (UniformIntOption)plateau["Patience"];
        Assert.AreEqual((2.0, 20.0), (patience.Min, patience.Max));
        Assert.AreEqual(10, plateau.SampleFromFeatureSpace(plateau.Default)["Patience"].AsType<int>());
        Assert.IsFalse(plateau.ContainsKey("Threshold"), "other members keep the spec's defaults");
    }

    [TestMethod]
    public void RequiredStepCountsScaleWithTotalStepsAndDefaultsComeFromTheSpecs()
    {
        var space = new LearningRateScheduleSearchSpace(totalSteps: 2000);
        var step = space.Option.Branches.Single(b => b.Key == "step").Value;
        var size = (UniformIntOption)step["StepSize"];
        Assert.AreEqual((100.0, 2000.0, true), (size.Min, size.Max, size.LogBase));
        var ss = new SearchSpace { ["S"] = space.Option };
        var x = ss.Default;
        x[0] = (space.Kinds.ToList().IndexOf("multistep") + 0.5) / space.Kinds.Count;
        var multistep = (MultiStepSchedule)space.ToSpec(ss.SampleFromFeatureSpace(x)["S"]);
        CollectionAssert.AreEqual(new long[] { 1000, 1500 }, multistep.Milestones);
        Assert.AreEqual(0.1, multistep.Gamma, 1e-12);
        x[0] = (space.Kinds.ToList().IndexOf("cosine") + 0.5) / space.Kinds.Count;
        Assert.AreEqual(new CosineSchedule(), space.ToSpec(ss.SampleFromFeatureSpace(x)["S"]));
        Assert.ThrowsExactly<ArgumentException>(() => new LearningRateScheduleSearchSpace(totalSteps: 1));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new LearningRateScheduleSearchSpace(kinds: ["refined"])).Message, "refined");
    }
}
