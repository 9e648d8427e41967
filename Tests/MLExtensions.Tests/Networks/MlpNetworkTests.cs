using static TorchSharp.torch;

namespace MLExtensions.Tests.Networks;

[TestClass]
public sealed class MlpNetworkTests
{
    private static readonly MlpArchitecture BatchNormNet = new(5, [8, 4], ActivationKind.ReLU, NormalizationKind.BatchNorm, 0.0, 3);

    [TestMethod]
    public void GetWeights_BatchNormArchitecture_UsesDocumentedNamesAndShapes()
    {
        using var net = new MlpNetwork(BatchNormNet, new Generator(1));
        var names = net.GetWeights().ToDictionary(w => w.Name, w => w.Shape);
        CollectionAssert.AreEquivalent(new[]
        {
            "hidden.0.linear.weight", "hidden.0.linear.bias", "hidden.0.norm.weight", "hidden.0.norm.bias",
            "hidden.0.norm.running_mean", "hidden.0.norm.running_var",
            "hidden.1.linear.weight", "hidden.1.linear.bias", "hidden.1.norm.weight", "hidden.1.norm.bias",
            "hidden.1.norm.running_mean", "hidden.1.norm.running_var", "output.weight", "output.bias",
        }, names.Keys.ToArray());
        CollectionAssert.AreEqual(new long[] { 8, 5 }, names["hidden.0.linear.weight"]);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, names["output.weight"]);
    }

    [TestMethod]
    public void SetWeights_CopyIntoFreshNetwork_GivesIdenticalOutputs()
    {
        using var scope = NewDisposeScope();
        using var a = new MlpNetwork(BatchNormNet, new Generator(1));
        using var b = new MlpNetwork(BatchNormNet, new Generator(2));
        a.train();
        a.forward(randn(16, 5)); // moves the running statistics away from their defaults
        a.eval();
        b.eval();
        b.SetWeights(a.GetWeights());
        var x = randn(7, 5);
        Assert.IsTrue(a.forward(x).allclose(b.forward(x), rtol: 0, atol: 0));
    }

    [TestMethod]
    public void Constructor_SameGeneratorSeed_SameInitialWeights()
    {
        using var a = new MlpNetwork(BatchNormNet, new Generator(42));
        using var b = new MlpNetwork(BatchNormNet, new Generator(42));
        var wa = a.GetWeights();
        var wb = b.GetWeights();
        for (int i = 0; i < wa.Count; i++) CollectionAssert.AreEqual(wa[i].Values, wb[i].Values, wa[i].Name);
    }

    [TestMethod]
    public void SetWeights_WrongShape_ThrowsNamingWeight()
    {
        using var net = new MlpNetwork(BatchNormNet, new Generator(1));
        var weights = net.GetWeights().Select(w => w.Name == "output.bias" ? new NamedTensorData(w.Name, [4], new float[4]) : w);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => net.SetWeights(weights));
        StringAssert.Contains(ex.Message, "output.bias");
    }

    [TestMethod, DataRow(-0.1), DataRow(1.0)]
    public void Constructor_DropoutOutOfRange_ThrowsNamingDropout(double dropout)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MlpNetwork(BatchNormNet with { Dropout = dropout }));
        Assert.AreEqual("Dropout", ex.ParamName);
    }
}
