namespace MLExtensions.Tests.Boosting;

/// <summary>
/// The step networks' activation gives each element a result that depends on that element alone. Without the clamp in
/// <c>ShallowMlp.ActivateInPlace</c>, an element whose SIMD vector also holds a pre-activation that overflows exp was rounded
/// differently from the same element among ordinary neighbours, and which code the runtime ran (first-call or optimized) decided it
/// too: a fixed seed gave different GBNN models from run to run (spam, J = 1, seed 1 as the first fit of a process).
/// </summary>
[TestClass]
public sealed class ShallowMlpActivationTests
{
    [TestMethod]
    [DataRow(ActivationKind.Sigmoid, -800.0)]
    [DataRow(ActivationKind.Sigmoid, 800.0)]
    [DataRow(ActivationKind.Tanh, -400.0)]
    [DataRow(ActivationKind.Tanh, 400.0)]
    public void ActivateInPlace_OrdinaryElement_SameBitsBesideAnOverflowingNeighbour(ActivationKind activation, double extreme)
    {
        var random = new Random(3);
        var ordinary = Enumerable.Range(0, 4096).Select(_ => random.NextDouble() * 16 - 8).ToArray();
        // Every fourth element replaced by the extreme value: each SIMD vector (2 to 8 doubles) holds at least one, at any alignment.
        var mixed = ordinary.Select((v, i) => i % 4 == 0 ? extreme : v).ToArray();

        var alone = (double[])ordinary.Clone();
        ShallowMlp.ActivateInPlace(alone, activation);
        var beside = (double[])mixed.Clone();
        ShallowMlp.ActivateInPlace(beside, activation);

        int differing = Enumerable.Range(0, ordinary.Length)
            .Count(i => i % 4 != 0 && BitConverter.DoubleToInt64Bits(alone[i]) != BitConverter.DoubleToInt64Bits(beside[i]));
        Assert.AreEqual(0, differing, "ordinary elements rounded differently beside an overflowing neighbour");
    }

    [TestMethod]
    [DataRow(ActivationKind.Sigmoid)]
    [DataRow(ActivationKind.Tanh)]
    public void ActivateInPlace_ExtremeInputs_GiveTheLimits(ActivationKind activation)
    {
        double[] z = [-1e300, -800, -30, 0, 30, 800, 1e300];
        ShallowMlp.ActivateInPlace(z, activation);

        double lowest = activation == ActivationKind.Sigmoid ? 0 : -1;
        Assert.AreEqual(lowest, z[0], 1e-300);
        Assert.AreEqual(lowest, z[1], 1e-300);
        Assert.AreEqual(activation == ActivationKind.Sigmoid ? 0.5 : 0, z[3], 1e-15);
        Assert.AreEqual(1.0, z[5]);
        Assert.AreEqual(1.0, z[6]);
        Assert.IsTrue(z.All(double.IsFinite));
    }

    [TestMethod]
    public void ActivateInPlace_NaN_StaysNaN()
    {
        double[] z = [double.NaN, 1];
        ShallowMlp.ActivateInPlace(z, ActivationKind.Sigmoid);
        Assert.IsTrue(double.IsNaN(z[0]));
    }
}
