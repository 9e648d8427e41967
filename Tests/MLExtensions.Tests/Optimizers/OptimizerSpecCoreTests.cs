using MLExtensions.Optimizers;
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
