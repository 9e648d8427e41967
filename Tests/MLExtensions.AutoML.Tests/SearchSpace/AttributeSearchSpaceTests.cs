using Microsoft.ML.SearchSpace;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class AttributeSearchSpaceTests
{
    public enum Activation
    {
        Relu,
        Gelu,
        Tanh,
    }

    public sealed class Nested
    {
        [Range(0.0, 1.0, 0.25)]
        public double Dropout { get; set; }

        [BooleanChoice(false)]
        public bool UseBias { get; set; }
    }

    public sealed class TrainerOptions
    {
        [Range(4, 32768, init: 4, logBase: true)]
        public int NumberOfLeaves { get; set; }

        [Range(1e-5, 1e-1, 1e-3, true)]
        public double LearningRate { get; set; }

#pragma warning disable CA1051 // a public field on purpose: ML.NET options classes use them
        [Range(0.5f, 1.5f)]
        public float Scale;                                    // a field, no init: default = min
#pragma warning restore CA1051

        [Choice("sgd", "adam", "lion")]
        public string Optimizer { get; set; } = "sgd";        // no default: first sorted ("adam")

        [Choice(new object[] { 16, 32, 64 }, 32)]
        public int BatchSize { get; set; }

        [Choice(Activation.Gelu, Activation.Relu)]
        public Activation Act { get; set; }

        [BooleanChoice]
        public bool Normalize { get; set; }                    // default true

        [NestOption]
        public Nested Layer { get; set; } = new();

        public int NotSearched { get; set; } = 77;
    }

    [TestMethod]
    public void BuildsTheSpaceMlNetWouldBuild()
    {
        var ss = new SearchSpace<TrainerOptions>();
        CollectionAssert.AreEqual(new[] { "Act", "BatchSize", "Layer", "LearningRate", "Normalize", "NumberOfLeaves", "Optimizer", "Scale" }, ss.Keys.ToArray());
        CollectionAssert.AreEqual(
            new[] { "Act", "BatchSize", "Layer.Dropout", "Layer.UseBias", "LearningRate", "Normalize", "NumberOfLeaves", "Optimizer", "Scale" },
            ss.Dimensions.Select(d => d.Path).ToArray());
        Assert.IsInstanceOfType<UniformIntOption>(ss["NumberOfLeaves"]);
        Assert.IsInstanceOfType<UniformDoubleOption>(ss["LearningRate"]);
        Assert.IsInstanceOfType<UniformSingleOption>(ss["Scale"]);
        Assert.IsInstanceOfType<SearchSpace>(ss["Layer"]);

        // ML.NET: Default = MappingToFeatureSpace(init) or 0; choice i has i/n; BooleanChoice is ChoiceOption(true, false) sorted.
        var expected = new[] { 0.0, 1 / 3.0, 0.25, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0 };
        var actual = ss.Default;
        Assert.AreEqual(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-12, ss.Dimensions[i].Path);
        }

        CollectionAssert.AreEqual(new int?[] { 2, 3, null, 2, null, 2, null, 3, null }, ss.Step);
        CollectionAssert.AreEqual(new object[] { false, true }, ((ChoiceOption)((SearchSpace)ss["Layer"])["UseBias"]).Choices);
        CollectionAssert.AreEqual(new object[] { Activation.Relu, Activation.Gelu }, ((ChoiceOption)ss["Act"]).Choices);
    }

    [TestMethod]
    public void SamplesTypedOptionsAndKeepsUnsearchedMembers()
    {
        var ss = new SearchSpace<TrainerOptions>();
        var d = ss.SampleFromFeatureSpace(ss.Default);
        Assert.AreEqual(4, d.NumberOfLeaves);
        Assert.AreEqual(1e-3, d.LearningRate, 1e-15);
        Assert.AreEqual(0.5f, d.Scale);
        Assert.AreEqual("adam", d.Optimizer);
        Assert.AreEqual(32, d.BatchSize);
        Assert.AreEqual(Activation.Relu, d.Act);
        Assert.IsTrue(d.Normalize);
        Assert.AreEqual(0.25, d.Layer.Dropout);
        Assert.IsFalse(d.Layer.UseBias);
        Assert.AreEqual(77, d.NotSearched);

        var withDefault = new SearchSpace<TrainerOptions>(new TrainerOptions { NotSearched = 5 });
        var top = withDefault.SampleFromFeatureSpace(Enumerable.Repeat(1.0, withDefault.FeatureSpaceDim).ToArray());
        Assert.AreEqual(5, top.NotSearched);
        Assert.AreEqual(32768, top.NumberOfLeaves);
        Assert.AreEqual(1.5f, top.Scale);
        Assert.AreEqual("sgd", top.Optimizer);
        Assert.AreEqual(64, top.BatchSize);
        Assert.AreEqual(Activation.Gelu, top.Act);

        var x = ss.MappingToFeatureSpace(top);
        Assert.AreEqual(1.0, x[^1], 1e-12);
    }

    public sealed class ReversedRange
    {
        [Range(10, 1)]
        public int Trees { get; set; }
    }

    public sealed class LogFromZero
    {
        [Range(0.0, 1.0, true)]
        public double Rate { get; set; }
    }

    public sealed class MixedChoice
    {
        [Choice("adam", "sgd", 3)]
        public string Optimizer { get; set; } = "";
    }

    public sealed class InitOutside
    {
        [Range(1, 10, 20)]
        public int Epochs { get; set; }
    }

    public sealed class BoolOnInt
    {
        [BooleanChoice]
        public int Flag { get; set; }
    }

    public sealed class DoubleRangeOnInt
    {
        [Range(0.5, 2.5)]
        public int Width { get; set; }
    }

    public sealed class ChoiceTypeMismatch
    {
        [Choice("a", "b")]
        public int Count { get; set; }
    }

    public sealed class ReadOnlyMember
    {
        [Range(1, 2)]
        public int Fixed { get; } = 1;
    }

    public sealed class SelfNesting
    {
        [NestOption]
        public SelfNesting? Inner { get; set; }
    }

    [TestMethod]
    public void InvalidAttributesThrowNamingTheMember()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<ReversedRange>()).Message, "ReversedRange.Trees");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<LogFromZero>()).Message, "LogFromZero.Rate");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<MixedChoice>()).Message, "MixedChoice.Optimizer");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<InitOutside>()).Message, "InitOutside.Epochs");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<BoolOnInt>()).Message, "BoolOnInt.Flag");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<DoubleRangeOnInt>()).Message, "DoubleRangeOnInt.Width");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<ChoiceTypeMismatch>()).Message, "ChoiceTypeMismatch.Count");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<ReadOnlyMember>()).Message, "ReadOnlyMember.Fixed");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace<SelfNesting>()).Message, "SelfNesting");
    }
}
