using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class BatchSizePolicySearchSpaceTests
{
    [TestMethod]
    public void EveryRegisteredPolicyIsSearched_FixedByDefault()
    {
        var space = new BatchSizePolicySearchSpace();
        CollectionAssert.AreEquivalent(new[] { "fixed", "adadagrad" }, space.Kinds.ToArray());
        Assert.AreEqual("fixed", space.Option.DefaultBranch);
        var adaptive = space.Option.Branches.Single(b => b.Key == "adadagrad").Value;
        var eta = (UniformDoubleOption)adaptive["Eta"];
        Assert.AreEqual(0.05, eta.Min);
        Assert.AreEqual(1, eta.Max);
    }

    [TestMethod]
    public void SampledPoliciesAreValidAndBothKindsAreReached()
    {
        var space = new BatchSizePolicySearchSpace();
        var ss = new SearchSpace { ["BatchSizePolicy"] = space.Option };
        var random = new Random(4);
        var seen = new HashSet<Type>();
        for (int i = 0; i < 100; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var spec = space.ToSpec(ss.SampleFromFeatureSpace(x)["BatchSizePolicy"]);
            seen.Add(spec.GetType());
            if (spec is AdaptiveBatchSize a) Assert.IsTrue(a.Eta is >= 0.05 and <= 1, $"Eta {a.Eta}");
        }

        Assert.AreEqual(2, seen.Count);
    }

    [TestMethod]
    public void OneCycleAndCyclicSearchTheirMomentumRange()
    {
        var space = new LearningRateScheduleSearchSpace(totalSteps: 500);
        foreach (var kind in new[] { "one-cycle", "cyclic" })
        {
            var branch = space.Option.Branches.Single(b => b.Key == kind).Value;
            var low = (UniformDoubleOption)branch["BaseMomentum"];
            var high = (UniformDoubleOption)branch["MaxMomentum"];
            Assert.IsTrue(low.Max <= high.Min, $"{kind}: a sampled base momentum never exceeds the max");
            Assert.IsInstanceOfType<ChoiceOption>(branch["CycleMomentum"]);
        }
    }
}
