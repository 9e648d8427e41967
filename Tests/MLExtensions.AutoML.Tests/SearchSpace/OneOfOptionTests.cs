using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class OneOfOptionTests
{
    // Optimizer: [Kind(3), adam.Beta1, adam.LearningRate, sgd.Momentum, warm(2 Kind), warm[a].x, warm[b].y]; z after.
    internal static SearchSpace Conditional() => new()
    {
        ["z"] = new UniformIntOption(0, 9),
        ["Optimizer"] = new OneOfOption(
            [
                new("sgd", new SearchSpace { ["Momentum"] = new UniformDoubleOption(0, 0.99) }),
                new("adam", new SearchSpace
                {
                    ["LearningRate"] = new UniformDoubleOption(1e-5, 1e-1, logBase: true, defaultValue: 1e-3),
                    ["Beta1"] = new UniformDoubleOption(0.8, 0.999, defaultValue: 0.9),
                }),
                new("warm", new SearchSpace
                {
                    ["Inner"] = new OneOfOption(
                        new KeyValuePair<string, SearchSpace>("a", new SearchSpace { ["x"] = new UniformDoubleOption(0, 1) }),
                        new KeyValuePair<string, SearchSpace>("b", new SearchSpace { ["y"] = new ChoiceOption("p", "q") })),
                }),
            ],
            "adam"),
    };

    [TestMethod]
    public void DimensionsListSelectorThenBranchesWithParents()
    {
        var ss = Conditional();
        var dims = ss.Dimensions;
        CollectionAssert.AreEqual(
            new[] { "Optimizer.Kind", "Optimizer[sgd].Momentum", "Optimizer[adam].Beta1", "Optimizer[adam].LearningRate", "Optimizer[warm].Inner.Kind", "Optimizer[warm].Inner[a].x", "Optimizer[warm].Inner[b].y", "z" },
            dims.Select(d => d.Path).ToArray());
        Assert.AreEqual(ss.FeatureSpaceDim, dims.Count);
        Assert.AreEqual(3, dims[0].ChoiceCount);
        Assert.IsNull(dims[0].ParentIndex);
        Assert.AreEqual((0, 0), (dims[1].ParentIndex, dims[1].ParentChoice));
        Assert.AreEqual((0, 1), (dims[2].ParentIndex, dims[2].ParentChoice));
        Assert.AreEqual((0, 1), (dims[3].ParentIndex, dims[3].ParentChoice));
        Assert.IsTrue(dims[3].IsLog);
        Assert.AreEqual((0, 2), (dims[4].ParentIndex, dims[4].ParentChoice));
        Assert.AreEqual((4, 0), (dims[5].ParentIndex, dims[5].ParentChoice));
        Assert.AreEqual((4, 1), (dims[6].ParentIndex, dims[6].ParentChoice));
        Assert.AreEqual(2, dims[6].ChoiceCount);
        Assert.IsNull(dims[7].ParentIndex);
        Assert.IsTrue(dims.All(d => d.ParentIndex is null || d.ParentIndex < d.Index));
        CollectionAssert.AreEqual(ss.Default, dims.Select(d => d.Default).ToArray());
        Assert.AreEqual(1 / 3.0, dims[0].Default, 1e-15); // default branch adam
        Assert.AreEqual(0.5, dims[3].Default, 1e-12);     // 1e-3 on [1e-5, 1e-1] log
    }

    [TestMethod]
    public void IsActiveFollowsTheSelectorsDownTheTree()
    {
        var ss = Conditional();
        var nan = double.NaN;
        CollectionAssert.AreEqual(new[] { true, true, false, false, false, false, false, true }, ss.IsActive([0.1, 0.5, nan, nan, nan, nan, nan, 0.3]));
        CollectionAssert.AreEqual(new[] { true, false, true, true, false, false, false, true }, ss.IsActive([0.5, nan, 0.5, 0.5, nan, nan, nan, 0.3]));
        CollectionAssert.AreEqual(new[] { true, false, false, false, true, false, true, true }, ss.IsActive([0.9, nan, nan, nan, 0.7, nan, 0.2, 0.3]));
        CollectionAssert.AreEqual(new[] { true, false, false, false, true, true, false, true }, ss.IsActive([1.0, nan, nan, nan, 0.0, 0.4, nan, 0.3]));
    }

    [TestMethod]
    public void OnlyTheChosenBranchAppearsAndInactiveValuesNeverMatter()
    {
        var ss = Conditional();
        var p = ss.SampleFromFeatureSpace([0.5, double.NaN, 0.5, 0.5, double.NaN, double.NaN, double.NaN, 0.0]);
        Assert.AreEqual("""{"Optimizer":{"Beta1":0.8995,"Kind":"adam","LearningRate":0.001},"z":0}""", p.ToJson());

        var random = new Random(11);
        for (var i = 0; i < 300; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var active = ss.IsActive(x);
            var expected = ss.SampleFromFeatureSpace(x);
            var scrambled = x.Select((v, j) => active[j] ? v : (j % 2 == 0 ? double.NaN : random.NextDouble())).ToArray();
            Assert.AreEqual(expected, ss.SampleFromFeatureSpace(scrambled));
            var kind = expected["Optimizer"]["Kind"].AsType<string>();
            var keys = expected["Optimizer"].Keys.ToArray();
            var branchKeys = kind switch { "sgd" => new[] { "Kind", "Momentum" }, "adam" => ["Beta1", "Kind", "LearningRate"], _ => ["Inner", "Kind"] };
            CollectionAssert.AreEqual(branchKeys, keys);
        }
    }

    [TestMethod]
    public void MappingRoundTripsActiveValuesAndGivesNaNForInactive()
    {
        var ss = Conditional();
        var random = new Random(5);
        var seen = new HashSet<string>();
        for (var i = 0; i < 500; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var active = ss.IsActive(x);
            var p = ss.SampleFromFeatureSpace(x);
            seen.Add(p["Optimizer"].ToJson().Contains("\"Inner\"") ? "warm." + p["Optimizer"]["Inner"]["Kind"].AsType<string>() : p["Optimizer"]["Kind"].AsType<string>());
            var back = ss.MappingToFeatureSpace(p);
            var dims = ss.Dimensions;
            for (var j = 0; j < x.Length; j++)
            {
                if (!active[j])
                {
                    Assert.IsTrue(double.IsNaN(back[j]), $"dimension {dims[j].Path} should be NaN");
                }
                else if (dims[j].ChoiceCount is { } k)
                {
                    Assert.AreEqual(Math.Floor(x[j] * k), Math.Round(back[j] * k), $"dimension {dims[j].Path}");
                }
                else if (dims[j].Path != "z")
                {
                    Assert.AreEqual(x[j], back[j], 1e-9, $"dimension {dims[j].Path}");
                }
            }

            CollectionAssert.AreEqual(active, ss.IsActive(back));
            ParameterAssert.AreClose(p, ss.SampleFromFeatureSpace(back));
        }

        CollectionAssert.AreEquivalent(new[] { "sgd", "adam", "warm.a", "warm.b" }, seen.ToArray());
    }

    [TestMethod]
    public void InvalidOneOfsAndParametersThrow()
    {
        Assert.AreEqual("branches", Assert.ThrowsExactly<ArgumentException>(() => new OneOfOption()).ParamName);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OneOfOption(new KeyValuePair<string, SearchSpace>("a", new SearchSpace()), new("a", new SearchSpace()))).Message, "'a'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new OneOfOption(new KeyValuePair<string, SearchSpace>("a", new SearchSpace { ["Kind"] = new UniformIntOption(0, 1) }))).Message, "Kind");
        Assert.AreEqual("defaultBranch", Assert.ThrowsExactly<ArgumentException>(() => new OneOfOption([new("a", new SearchSpace())], "b")).ParamName);
        var ss = Conditional();
        var noKind = Parameter.CreateNestedParameter(new("Optimizer", Parameter.CreateNestedParameter()), new("z", Parameter.FromInt(1)));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ss.MappingToFeatureSpace(noKind)).Message, "Kind");
        var unknown = Parameter.FromJson("""{"Optimizer":{"Kind":"rmsprop"},"z":1}""");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ss.MappingToFeatureSpace(unknown)).Message, "rmsprop");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ss.SampleFromFeatureSpace([double.NaN, 0, 0, 0, 0, 0, 0, 0])).Message, "Optimizer.Kind");
    }
}
