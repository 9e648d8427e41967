using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class SearchSpaceJsonTests
{
    [TestMethod]
    public void WritesMlNetsRuntimeFormat()
    {
        var ss = new SearchSpace
        {
            ["Trees"] = new UniformIntOption(4, 32768, logBase: true, defaultValue: 4),
            ["Rate"] = new UniformDoubleOption(1e-5, 1, logBase: true, defaultValue: 0.1),
            ["Optimizer"] = new ChoiceOption(["sgd", "adam"], "sgd"),
            ["Inner"] = new SearchSpace { ["Flag"] = new ChoiceOption(true, false) },
        };
        Assert.AreEqual(
            """{"Inner":{"Flag":{"default":false,"choices":[false,true]}},"Optimizer":{"default":"sgd","choices":["adam","sgd"]},"Rate":{"type":"double","default":0.1,"min":1E-05,"max":1,"log_base":true},"Trees":{"type":"int","default":4,"min":4,"max":32768,"log_base":true}}""",
            ss.ToJson());
    }

    [TestMethod]
    public void ReadsHandWrittenMlNetJson()
    {
        var ss = SearchSpace.FromJson("""
            { "LearningRate": { "type": "float", "default": 0.01, "min": 0.0001, "max": 1, "log_base": true },
              "NumberOfLeaves": { "type": "int", "min": 4, "max": 1024, "log_base": false },
              "Booster": { "choices": ["gbdt", "dart"], "default": "dart" },
              "Nested": { "X": { "type": "double", "min": -1, "max": 1 } } }
            """);
        CollectionAssert.AreEqual(new[] { "Booster", "LearningRate", "Nested.X", "NumberOfLeaves" }, ss.Dimensions.Select(d => d.Path).ToArray());
        Assert.IsInstanceOfType<UniformSingleOption>(ss["LearningRate"]);
        Assert.AreEqual(0.0, ss.Default[0]); // "dart" is choice 0 of the sorted ["dart", "gbdt"]
        Assert.AreEqual(0.5, ss.Default[1], 1e-6); // 0.01 on [1e-4, 1] log
        Assert.AreEqual(0.0, ss.Default[3]);       // no default: min
    }

    [TestMethod]
    public void EveryKindIncludingOneOfRoundTrips()
    {
        var ss = OneOfOptionTests.Conditional();
        ss["f"] = new UniformSingleOption(0.1f, 0.9f, defaultValue: 0.3f);
        ss["n"] = new ChoiceOption(1, 2, 3);
        ss["single"] = new ChoiceOption("only");
        ss["opt"] = new OptimizerSearchSpace(["adamw", "coordinate_clipping"]).Option;
        var json = ss.ToJson();
        var back = SearchSpace.FromJson(json);
        Assert.AreEqual(json, back.ToJson());
        CollectionAssert.AreEqual(ss.Dimensions.ToArray(), back.Dimensions.ToArray());
        var random = new Random(1);
        for (var i = 0; i < 50; i++)
        {
            var x = Enumerable.Range(0, ss.FeatureSpaceDim).Select(_ => random.NextDouble()).ToArray();
            Assert.AreEqual(ss.SampleFromFeatureSpace(x), back.SampleFromFeatureSpace(x));
        }

        StringAssert.Contains(json, "\"one_of\":[{\"name\":\"sgd\"");
    }

    [TestMethod]
    public void InvalidJsonNamesThePath()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromJson("""{"a":{"type":"int","min":10,"max":1}}""")).Message, "$.a");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromJson("""{"a":{"b":3}}""")).Message, "$.a.b");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromJson("""{"a":{"type":"decimal","min":0,"max":1}}""")).Message, "decimal");
        Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromJson("[1]"));
        Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.FromJson("{"));
    }
}
