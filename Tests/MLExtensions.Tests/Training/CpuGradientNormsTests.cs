using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Training;

/// <summary>The loop's managed gradient norms (read from the gradients' CPU memory) against LibTorch's norm kernels.</summary>
[TestClass]
public sealed class CpuGradientNormsTests
{
    [TestMethod]
    public void TryCompute_MatchesLibTorchNorms_AcrossBlocksAndParameters()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        // Sizes below, at and across the block length, a parameter without a gradient, and an empty one.
        long[][] shapes = [[3], [CpuGradientNorms.BlockLength], [37, 300], [1], [0, 5]];
        var parameters = shapes.Select(s => new Parameter(zeros(s))).ToList();
        var withoutGrad = new Parameter(zeros(7));
        foreach (var p in parameters)
            p.grad = randn(p.shape, generator: generator).mul_(3.0.ToScalar()).add_(0.5.ToScalar());
        parameters.Insert(2, withoutGrad);

        Assert.IsTrue(CpuGradientNorms.TryCompute(parameters, out double l2, out double l1));
        var all = cat(parameters.Where(p => p.grad is not null).Select(p => p.grad!.flatten().to(ScalarType.Float64)).ToList());
        double expectedL2 = all.norm(2).item<double>(), expectedL1 = all.abs().sum().item<double>();
        Assert.AreEqual(expectedL2, l2, 1e-6 * expectedL2, "l2");
        Assert.AreEqual(expectedL1, l1, 1e-6 * expectedL1, "l1");
    }

    [TestMethod]
    public void TryCompute_NonFiniteGradient_Propagates()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(5000));
        var g = ones(5000);
        g[4321].fill_(float.NaN.ToScalar());
        p.grad = g;
        Assert.IsTrue(CpuGradientNorms.TryCompute([p], out double l2, out double l1));
        Assert.IsTrue(double.IsNaN(l2) && double.IsNaN(l1));
    }

    [TestMethod]
    public void TryCompute_GradientItCannotReadInPlace_ReturnsFalse()
    {
        using var scope = NewDisposeScope();
        var transposed = new Parameter(zeros(4, 6));
        transposed.grad = ones(6, 4).t();        // not contiguous
        Assert.IsFalse(CpuGradientNorms.TryCompute([transposed], out _, out _));
        var wide = new Parameter(zeros(3, dtype: ScalarType.Float64));
        wide.grad = ones(3, dtype: ScalarType.Float64);
        Assert.IsFalse(CpuGradientNorms.TryCompute([wide], out _, out _));
    }
}
