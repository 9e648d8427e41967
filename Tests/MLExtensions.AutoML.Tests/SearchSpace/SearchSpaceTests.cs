using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class SearchSpaceTests
{
    private static SearchSpace Flat() => new()
    {
        ["b"] = new UniformDoubleOption(0, 10, defaultValue: 5),
        ["a"] = new ChoiceOption("x", "y"),
        ["B"] = new UniformIntOption(1, 3),
    };

    [TestMethod]
    public void KeysAreOrdinalAndDimensionsFollowThem()
    {
        var ss = Flat();
        CollectionAssert.AreEqual(new[] { "B", "a", "b" }, ss.Keys.ToArray());
        Assert.AreEqual(3, ss.FeatureSpaceDim);
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 0.5 }, ss.Default);
        CollectionAssert.AreEqual(new int?[] { null, 2, null }, ss.Step);
        var dims = ss.Dimensions;
        CollectionAssert.AreEqual(new[] { "B", "a", "b" }, dims.Select(d => d.Path).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, dims.Select(d => d.Index).ToArray());
        Assert.AreEqual(2, dims[1].ChoiceCount);
        Assert.IsTrue(dims.All(d => d.ParentIndex is null && d.ParentChoice is null));
    }

    [TestMethod]
    public void SamplesAndMapsAFlatSpace()
    {
        var ss = Flat();
        var p = ss.SampleFromFeatureSpace([1.0, 0.7, 0.25]);
        Assert.AreEqual("""{"B":3,"a":"y","b":2.5}""", p.ToJson());
        var x = ss.MappingToFeatureSpace(p);
        Assert.AreEqual(1.0, x[0], 1e-12);
        Assert.AreEqual(0.5, x[1], 1e-12);
        Assert.AreEqual(0.25, x[2], 1e-12);
        ParameterAssert.AreClose(p, ss.SampleFromFeatureSpace(x));
    }

    [TestMethod]
    public void NestedSpacesAreDepthFirstWithDottedPaths()
    {
        var ss = new SearchSpace
        {
            ["z"] = new UniformDoubleOption(0, 1),
            ["inner"] = new SearchSpace { ["q"] = new UniformIntOption(0, 4), ["p"] = new ChoiceOption(1, 2, 3) },
        };
        CollectionAssert.AreEqual(new[] { "inner.p", "inner.q", "z" }, ss.Dimensions.Select(d => d.Path).ToArray());
        var p = ss.SampleFromFeatureSpace([0.5, 0.5, 0.5]);
        Assert.AreEqual("""{"inner":{"p":2,"q":2},"z":0.5}""", p.ToJson());
        ParameterAssert.AreClose(p, ss.SampleFromFeatureSpace(ss.MappingToFeatureSpace(p)));
    }

    [TestMethod]
    public void BadPointsAndParametersNameTheProblem()
    {
        var ss = Flat();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ss.SampleFromFeatureSpace([0.5, 0.5])).Message, "3 feature dimension");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ss.SampleFromFeatureSpace([0.5, double.NaN, 0.5])).Message, "'a'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ss.SampleFromFeatureSpace([0.5, 0.5, -0.1])).Message, "'b'");
        var missing = Parameter.CreateNestedParameter(new("a", Parameter.FromString("x")), new("b", Parameter.FromDouble(1)));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ss.MappingToFeatureSpace(missing)).Message, "'B'");
        var wrong = Parameter.CreateNestedParameter(new("B", Parameter.FromInt(1)), new("a", Parameter.FromString("w")), new("b", Parameter.FromDouble(1)));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ss.MappingToFeatureSpace(wrong)).Message, "Option 'a'");
        Assert.ThrowsExactly<ArgumentException>(() => ss.Add("a", new UniformIntOption(0, 1)));
        Assert.ThrowsExactly<ArgumentException>(() => ss.Add("", new UniformIntOption(0, 1)));
    }

    [TestMethod]
    public void RandomPointsAlwaysRespectEveryOptionsBounds()
    {
        var ss = new SearchSpace
        {
            ["lr"] = new UniformDoubleOption(1e-5, 1e-1, logBase: true),
            ["n"] = new UniformIntOption(4, 32768, logBase: true),
            ["w"] = new UniformIntOption(-3, 3),
            ["f"] = new UniformSingleOption(0.1f, 0.2f),
        };
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            var p = ss.SampleFromFeatureSpace(x);
            Assert.IsTrue(p["lr"].AsType<double>() is >= 1e-5 and <= 1e-1);
            Assert.IsTrue(p["n"].AsType<long>() is >= 4 and <= 32768);
            Assert.IsTrue(p["w"].AsType<long>() is >= -3 and <= 3);
            Assert.IsTrue(p["f"].AsType<float>() is >= 0.1f and <= 0.2f);
        }
    }
}
