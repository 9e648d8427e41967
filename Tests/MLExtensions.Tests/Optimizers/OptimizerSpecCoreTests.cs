using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

[TestClass]
public sealed class OptimizerSpecCoreTests
{
    [TestMethod]
    public void Registry_JsonRoundTrip_EqualSpec()
    {
        foreach (OptimizerSpec spec in new OptimizerSpec[] { new SgdSpec(0.1, 0.8, true, 1e-4), new AdamSpec(2e-3, AmsGrad: true), new AdamWSpec(WeightDecay: 0.05) })
        {
            string json = OptimizerRegistry.ToJson(spec);
            Assert.AreEqual(spec, OptimizerRegistry.FromJson(json), json);
        }
    }

    [TestMethod]
    public void Registry_CreateDefault_UnknownName_ListsAllowedNames()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.CreateDefault("adamx"));
        StringAssert.Contains(ex.Message, "adamw");
        Assert.AreEqual(new AdamWSpec(), OptimizerRegistry.CreateDefault("AdamW"));
    }

    [TestMethod]
    public void Registry_FromJson_UnknownKind_ThrowsArgumentException()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson("""{"kind":"nope","LearningRate":1}"""));
        StringAssert.Contains(ex.Message, "Allowed kinds");
    }

    [TestMethod]
    public void Registry_FromJson_MissingKind_ThrowsArgumentExceptionListingKinds()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson("""{"LearningRate":0.01}"""));
        StringAssert.Contains(ex.Message, "\"kind\"");
        StringAssert.Contains(ex.Message, "adamw");
        Assert.AreEqual("json", ex.ParamName);
    }

    [TestMethod]
    public void Registry_FromJson_KindNotFirst_ReadsSpec()
    {
        Assert.AreEqual(new AdamWSpec(LearningRate: 0.02), OptimizerRegistry.FromJson("""{"LearningRate":0.02,"kind":"adamw"}"""));
        var clipped = OptimizerRegistry.FromJson("""{"Fraction":0.05,"kind":"coordinate_clipping","Inner":{"LearningRate":0.3,"kind":"sgd"}}""");
        Assert.AreEqual(new CoordinateClippingSpec(new SgdSpec(LearningRate: 0.3), Fraction: 0.05), clipped);
    }

    [TestMethod]
    public void Registry_FromJson_MisspelledProperty_ThrowsNamingIt()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson("""{"kind":"adamw","LearnigRate":0.5}"""));
        StringAssert.Contains(ex.Message, "LearnigRate");
        StringAssert.Contains(ex.Message, "LearningRate");   // the allowed members are listed
        var nested = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson("""{"kind":"coordinate_clipping","Inner":{"kind":"sgd","Momentun":0.5}}"""));
        StringAssert.Contains(nested.Message, "Momentun");
    }

    [TestMethod, DataRow("[1,2]"), DataRow("null"), DataRow("{\"kind\":3}"), DataRow("{\"kind\":\"adamw\",\"kind\":\"sgd\"}"), DataRow("{\"kind\":\"adamw\""), DataRow("")]
    public void Registry_FromJson_Malformed_ThrowsArgumentException(string json)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson(json));
        Assert.AreEqual("json", ex.ParamName);
    }

    [TestMethod]
    public void Registry_FromJson_NestedInnerWithoutKind_ThrowsArgumentException()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => OptimizerRegistry.FromJson("""{"kind":"coordinate_clipping","Inner":{"LearningRate":0.3}}"""));
        StringAssert.Contains(ex.Message, "\"kind\"");
    }

    [TestMethod, DataRow(0.0), DataRow(-1e-3), DataRow(double.NaN)]
    public void Validate_NonPositiveLearningRate_ThrowsNamingOption(double lr)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdamWSpec(LearningRate: lr).Validate());
        Assert.AreEqual(nameof(AdamWSpec.LearningRate), ex.ParamName);
    }

    [TestMethod]
    public void Validate_NesterovWithoutMomentum_ThrowsNamingNesterov()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SgdSpec(Momentum: 0, Nesterov: true).Validate());
        Assert.AreEqual(nameof(SgdSpec.Nesterov), ex.ParamName);
    }

    [TestMethod]
    public void Create_AdamW_StepsParameters()
    {
        using var scope = NewDisposeScope();
        var p = new TorchSharp.Modules.Parameter(ones(3));
        using var optimizer = new AdamWSpec(LearningRate: 0.1, WeightDecay: 0).Create([p]);
        p.grad = ones(3);
        optimizer.step();
        Assert.IsTrue(p.allclose(full(3, 0.9f), atol: 1e-6));
    }
}
