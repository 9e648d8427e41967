using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>The reuse rules of <see cref="StepBuffers"/>, the work tensors an optimizer keeps between steps.</summary>
[TestClass]
public sealed class StepBuffersTests
{
    [TestMethod]
    public void For_SameParameterAndSlot_ReturnsTheSameTensor_OtherSlotsAndParametersOthers()
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        using var buffers = new StepBuffers();
        var a = new Parameter(zeros(3, 4, dtype: float64));
        var b = new Parameter(zeros(3, 4, dtype: float64));
        var first = buffers.For(a, 0).Shaped;
        CollectionAssert.AreEqual(new long[] { 3, 4 }, first.shape);
        Assert.AreEqual(ScalarType.Float64, first.dtype);
        first.fill_(sc[7.0]);
        Assert.AreSame(first, buffers.For(a, 0).Shaped, "the same (parameter, slot) must give the same work tensor");
        buffers.For(a, 1).Shaped.fill_(sc[1.0]);
        buffers.For(b, 0).Shaped.fill_(sc[2.0]);
        Assert.AreEqual(7.0, buffers.For(a, 0).Shaped.max().item<double>(), "another slot or parameter overwrote the work tensor");
        Assert.AreEqual(7.0, buffers.For(a, 0).Shaped.min().item<double>());
        var flat = buffers.For(a, 0).Flat;
        CollectionAssert.AreEqual(new long[] { 12 }, flat.shape);
        Assert.AreEqual(7.0, flat.min().item<double>(), "Flat must be a 1-D view of the same memory");
    }

    [TestMethod]
    public void Shared_SameSlotAndDtype_SharesMemory_GrowsForALargerTensor_AndKeepsDtypesApart()
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        using var buffers = new StepBuffers();
        var small = zeros(2, 3);
        var large = zeros(4, 5);
        var view = buffers.Shared(small, 0).Shaped;
        CollectionAssert.AreEqual(new long[] { 2, 3 }, view.shape);
        view.fill_(sc[5.0]);
        var again = buffers.Shared(zeros(6), 0).Shaped;
        Assert.AreEqual(5.0f, again.min().item<float>(), "the same slot must reuse the same memory");
        var grown = buffers.Shared(large, 0).Shaped;
        CollectionAssert.AreEqual(new long[] { 4, 5 }, grown.shape);
        grown.fill_(sc[1.0]);
        Assert.AreEqual(20, buffers.Shared(large, 0).Shaped.numel());
        Assert.AreEqual(1.0f, buffers.Shared(small, 0).Shaped.min().item<float>(), "after growing, smaller shapes must view the new buffer");
        Assert.AreSame(buffers.Shared(small, 0).Flat, buffers.Shared(small, 0).Flat, "views are cached per shape");
        buffers.Shared(small, 1).Shaped.fill_(sc[9.0]);
        Assert.AreEqual(1.0f, buffers.Shared(large, 0).Shaped.max().item<float>(), "slot 1 must not share slot 0's memory");
        var doubles = buffers.Shared(zeros(2, 3, dtype: float64), 0).Shaped;
        Assert.AreEqual(ScalarType.Float64, doubles.dtype);
        doubles.fill_(sc[3.0]);
        Assert.AreEqual(1.0f, buffers.Shared(large, 0).Shaped.max().item<float>(), "float64 requests must not share float32 memory");
    }

    [TestMethod]
    public void WithoutReuse_EveryRequestIsAFreshTensor()
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        using var buffers = new StepBuffers { Reuse = false };
        var p = new Parameter(zeros(3));
        var a = buffers.For(p, 0).Shaped.fill_(sc[1.0]);
        buffers.For(p, 0).Shaped.fill_(sc[2.0]);
        var s = buffers.Shared(p, 0).Shaped.fill_(sc[3.0]);
        buffers.Shared(p, 0).Shaped.fill_(sc[4.0]);
        Assert.AreEqual(1.0f, a.max().item<float>());
        Assert.AreEqual(3.0f, s.max().item<float>());
    }

    [TestMethod]
    public void Disposed_RequestsThrow()
    {
        using var scope = NewDisposeScope();
        using var sc = new StepScalars();
        var buffers = new StepBuffers();
        var p = new Parameter(zeros(3));
        _ = buffers.For(p, 0).Shaped;
        buffers.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => buffers.For(p, 0).Shaped);
        Assert.ThrowsExactly<ObjectDisposedException>(() => buffers.Shared(p, 0).Shaped);
    }
}
