using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>
/// Muon's Newton–Schulz on tensors that are not matrices, as the reference treats them (the randomized golden files check the
/// whole step on 3-D and 4-D parameters): a batch is orthogonalized matrix by matrix, and a vector is refused by name.
/// </summary>
[TestClass]
public sealed class MuonShapeTests
{
    [TestMethod]
    [DataRow(3, 4)]
    [DataRow(5, 2)]
    public void NewtonSchulz_Batch_EqualsEachMatrixOnItsOwn(int rows, int cols)
    {
        using var scope = NewDisposeScope();
        var batch = randn([3, rows, cols], dtype: float64, generator: new Generator(5));
        var together = Muon.NewtonSchulz(batch, 5, NewtonSchulzPrecision.ParameterDtype);
        Assert.AreEqual(batch.shape.Length, together.shape.Length);
        for (int i = 0; i < 3; i++)
        {
            var alone = Muon.NewtonSchulz(batch[i], 5, NewtonSchulzPrecision.ParameterDtype);
            Assert.IsTrue(allclose(alone, together[i], rtol: 1e-12, atol: 1e-12), $"matrix {i}");
        }
    }

    [TestMethod]
    public void NewtonSchulz_Vector_ThrowsNamingTheTensor()
    {
        using var vector = zeros(4);
        Assert.AreEqual("g", Assert.ThrowsExactly<ArgumentException>(() => Muon.NewtonSchulz(vector, 5, NewtonSchulzPrecision.ParameterDtype)).ParamName);
    }
}
