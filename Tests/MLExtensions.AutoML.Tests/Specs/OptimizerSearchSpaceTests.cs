using MLExtensions.AutoML;
using TorchSharp;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class OptimizerSearchSpaceTests
{
    [TestMethod]
    public void HasOneBranchPerRegisteredOptimizerAndTheirOwnHyperparameters()
    {
        var space = new OptimizerSearchSpace();
        CollectionAssert.AreEquivalent(OptimizerRegistry.Names.ToArray(), space.Kinds.ToArray());
        Assert.AreEqual("adamw", space.Option.DefaultBranch);
        var branches = space.Option.Branches.ToDictionary(b => b.Key, b => b.Value);
        CollectionAssert.AreEqual(new[] { "AmsGrad", "Beta1", "Beta2", "LearningRate", "WeightDecay" }, branches["adamw"].Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "LearningRate", "Momentum", "WeightDecay" }, branches["sgd"].Keys.ToArray());
        var lr = (UniformDoubleOption)branches["lion"]["LearningRate"];
        Assert.AreEqual((1e-6, 1e-3, true), (lr.Min, lr.Max, lr.LogBase), "Lion's range sits around its own 1e-4 default");
        Assert.IsInstanceOfType<OneOfOption>(branches["coordinate_clipping"]["Inner"]);
        Assert.IsFalse(((OneOfOption)branches["coordinate_clipping"]["Inner"]).BranchNames.Contains("coordinate_clipping"));
    }

    [TestMethod]
    public void TheDefaultPointGivesEveryOptimizersOwnDefaults()
    {
        var space = new OptimizerSearchSpace();
        var ss = new SearchSpace { ["Optimizer"] = space.Option };
        var x = ss.Default;
        var kind = ss.Dimensions[0];
        Assert.AreEqual("Optimizer.Kind", kind.Path);
        for (var b = 0; b < space.Kinds.Count; b++)
        {
            x[0] = b / (double)space.Kinds.Count;
            var spec = space.ToSpec(ss.SampleFromFeatureSpace(x)["Optimizer"]);
            var expected = space.Kinds[b] == "coordinate_clipping"
                ? new CoordinateClippingSpec(Inner: new AdamWSpec()) // its null Inner means AdamW's defaults
                : OptimizerRegistry.CreateDefault(space.Kinds[b]);
            Assert.AreEqual(OptimizerRegistry.ToJson(expected), OptimizerRegistry.ToJson(spec), space.Kinds[b]);
        }
    }

    [TestMethod]
    public void EveryKindIsReachableAndEverySampleIsAValidSpecThatSteps()
    {
        var space = new OptimizerSearchSpace();
        var ss = new SearchSpace { ["Optimizer"] = space.Option };
        var random = new Random(17);
        var seen = new HashSet<string>();
        for (var i = 0; i < 400; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var p = ss.SampleFromFeatureSpace(x)["Optimizer"];
            var spec = space.ToSpec(p);
            spec.Validate();
            seen.Add(p["Kind"].AsType<string>());
            Assert.AreEqual(p["Kind"].AsType<string>(), OptimizerRegistryKind(spec));
            if (p.ContainsKey("LearningRate"))
            {
                Assert.AreEqual(p["LearningRate"].AsType<double>(), spec.LearningRate, 0);
            }
        }

        CollectionAssert.AreEquivalent(OptimizerRegistry.Names.ToArray(), seen.ToArray());

        // Each kind's sampled spec creates a TorchSharp optimizer that takes a step.
        foreach (var kind in space.Kinds)
        {
            var b = space.Kinds.ToList().IndexOf(kind);
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            x[0] = (b + 0.5) / space.Kinds.Count;
            var spec = space.ToSpec(ss.SampleFromFeatureSpace(x)["Optimizer"]);
            using var weight = new TorchSharp.Modules.Parameter(torch.ones(4, 3));
            using var optimizer = spec.Create([weight]);
            optimizer.zero_grad();
            using (var loss = weight.pow(2).sum())
            {
                loss.backward();
            }

            optimizer.step();
            Assert.IsFalse(torch.isnan(weight).any().item<bool>(), kind);
        }
    }

    [TestMethod]
    public void ASubsetAndItsErrors()
    {
        var space = new OptimizerSearchSpace(["sgd", "lion"]);
        CollectionAssert.AreEqual(new[] { "sgd", "lion" }, space.Kinds.ToArray());
        Assert.AreEqual("sgd", space.Option.DefaultBranch);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OptimizerSearchSpace(["adamx"])).Message, "adamx");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OptimizerSearchSpace(["sgd"], "lion")).Message, "lion");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => space.ToSpec(Parameter.FromJson("""{"Kind":"sgd","LearnigRate":0.1}"""))).Message, "LearnigRate");
    }

    private static string OptimizerRegistryKind(OptimizerSpec spec) =>
        Parameter.FromJson(OptimizerRegistry.ToJson(spec))["kind"].AsType<string>();
}
