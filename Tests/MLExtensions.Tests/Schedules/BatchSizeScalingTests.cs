namespace MLExtensions.Tests.Schedules;

/// <summary>D2's scaling rules as pure helpers: linear and square root, the cap at the training rows, Auto by optimizer family.</summary>
[TestClass]
public sealed class BatchSizeScalingTests
{
    [TestMethod]
    public void Linear_And_SquareRoot()
    {
        Assert.AreEqual(4.0, BatchSizeScalingRule.Factor(BatchSizeScaling.Linear, 256, 64, 10_000));
        Assert.AreEqual(2.0, BatchSizeScalingRule.Factor(BatchSizeScaling.SquareRoot, 256, 64, 10_000));
        Assert.AreEqual(0.25, BatchSizeScalingRule.Factor(BatchSizeScaling.Linear, 16, 64, 10_000));
        Assert.AreEqual(1.0, BatchSizeScalingRule.Factor(BatchSizeScaling.None, 256, 64, 10_000));
    }

    [TestMethod]
    public void BatchBeyondTheTrainingRows_EarnsNoFurtherIncrease()
    {
        Assert.AreEqual(1000.0 / 64, BatchSizeScalingRule.Factor(BatchSizeScaling.Linear, 4096, 64, 1000));
        Assert.AreEqual(BatchSizeScalingRule.Factor(BatchSizeScaling.Linear, 1000, 64, 1000),
                        BatchSizeScalingRule.Factor(BatchSizeScaling.Linear, 1001, 64, 1000));
        Assert.AreEqual(1.0, BatchSizeScalingRule.Factor(BatchSizeScaling.SquareRoot, 5000, 2000, 1000), "both capped at the full batch");
    }

    [TestMethod]
    public void Auto_ResolvesByFamily()
    {
        Assert.AreEqual(BatchSizeScaling.Linear, BatchSizeScalingRule.Resolve(BatchSizeScaling.Auto, new SgdSpec()));
        Assert.AreEqual(BatchSizeScaling.Linear, BatchSizeScalingRule.Resolve(BatchSizeScaling.Auto, new LarsSpec()));
        Assert.AreEqual(BatchSizeScaling.SquareRoot, BatchSizeScalingRule.Resolve(BatchSizeScaling.Auto, new AdamWSpec()));
        Assert.AreEqual(BatchSizeScaling.SquareRoot, BatchSizeScalingRule.Resolve(BatchSizeScaling.Auto, new LionSpec()));
        Assert.AreEqual(BatchSizeScaling.Linear, BatchSizeScalingRule.Resolve(BatchSizeScaling.Auto, new CoordinateClippingSpec(new SgdSpec())));
        Assert.AreEqual(BatchSizeScaling.None, BatchSizeScalingRule.Resolve(BatchSizeScaling.None, new SgdSpec()));
        Assert.ThrowsExactly<ArgumentException>(() => BatchSizeScalingRule.Factor(BatchSizeScaling.Auto, 1, 1, 1));
    }

    [TestMethod]
    public void EveryRegisteredOptimizer_HasAFamily()
    {
        foreach (var name in OptimizerRegistry.Names)
            _ = OptimizerFamilies.Of(OptimizerRegistry.CreateDefault(name));
    }

    [TestMethod]
    public void BadOptions_AreNamed()
    {
        var options = new NeuralNetworkRegressionTrainer.Options { ReferenceBatchSize = 0 };
        Assert.AreEqual("ReferenceBatchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
        options = new NeuralNetworkRegressionTrainer.Options { BatchSizeScaling = (BatchSizeScaling)9 };
        Assert.AreEqual("BatchSizeScaling", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
        options = new NeuralNetworkRegressionTrainer.Options { BatchSizePolicy = null! };
        Assert.AreEqual("BatchSizePolicy", Assert.ThrowsExactly<ArgumentNullException>(options.Validate).ParamName);
    }
}
