using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

[TestClass]
public sealed class CoordinateClippingTests
{
    /// <summary>Two tensors whose gradient magnitudes are a permutation of 1..20 with mixed signs.</summary>
    private static (Parameter A, Parameter B, Tensor GA, Tensor GB) Problem(double scaleB = 1)
    {
        var magnitudes = randperm(20, generator: new Generator(2)).to(float64) + 1;
        var signs = tensor(Enumerable.Range(0, 20).Select(i => i % 3 == 0 ? -1.0 : 1.0).ToArray());
        var g = magnitudes * signs;
        return (new Parameter(zeros([3, 4], dtype: float64)), new Parameter(zeros(8, dtype: float64)), g[..12].reshape(3, 4), g[12..] * scaleB);
    }

    private static Tensor RunSgd(double fraction, bool global, ClippingTarget target, double scaleB = 1)
    {
        var (a, b, ga, gb) = Problem(scaleB);
        using var optimizer = new CoordinateClipping(optim.SGD([a, b], 1.0), fraction, 1, global, target);
        a.grad = ga.clone();
        b.grad = gb.clone();
        optimizer.step();
        return cat([a.flatten(), b]).detach();
    }

    [TestMethod, DataRow(ClippingTarget.Update), DataRow(ClippingTarget.Gradient)]
    public void Step_QuarterFraction_ChangesExactlyTheTopFiveCoordinates(ClippingTarget target)
    {
        using var scope = NewDisposeScope();
        var (_, _, ga, gb) = Problem();
        var plainUpdate = -cat([ga.flatten(), gb]);
        var clipped = RunSgd(0.25, global: true, target);
        // ⌊0.25·20⌋ = 5 coordinates (magnitudes 16..20) change; τ = 15, the 6th largest.
        var changed = (clipped - plainUpdate).abs().gt(0);
        Assert.AreEqual(5L, changed.sum().item<long>());
        Assert.AreEqual(15.0, clipped.abs().max().item<double>());
        Assert.IsTrue(plainUpdate.abs().masked_select(changed).min().item<double>() >= 16);
        Assert.IsTrue(clipped.sign().eq(plainUpdate.sign()).all().item<bool>());
    }

    [TestMethod, DataRow(0.25, 5L, 15.0), DataRow(0.75, 15L, 5.0), DataRow(0.5, 10L, 10.0)]
    public void Step_Fraction_ClipsTopFloorCNCoordinatesToTheNextMagnitude(double fraction, long changedCount, double tau)
    {
        // Covers both threshold paths (partial top-k for small k, kthvalue for large k).
        using var scope = NewDisposeScope();
        var (_, _, ga, gb) = Problem();
        var plainUpdate = -cat([ga.flatten(), gb]);
        var clipped = RunSgd(fraction, global: true, ClippingTarget.Update);
        Assert.AreEqual(changedCount, (clipped - plainUpdate).abs().gt(0).sum().item<long>());
        Assert.AreEqual(tau, clipped.abs().max().item<double>());
    }

    [TestMethod]
    public void Step_ZeroFraction_IsIdentity_AndFullFraction_ZeroesTheUpdate()
    {
        using var scope = NewDisposeScope();
        var (_, _, ga, gb) = Problem();
        var plainUpdate = -cat([ga.flatten(), gb]);
        Assert.AreEqual(0.0, (RunSgd(0, global: true, ClippingTarget.Update) - plainUpdate).abs().max().item<double>());
        Assert.AreEqual(0.0, RunSgd(1, global: true, ClippingTarget.Update).abs().max().item<double>());
    }

    [TestMethod]
    public void Step_GlobalVersusPerTensor_UseDifferentThresholds()
    {
        using var scope = NewDisposeScope();
        // B's gradients are 100x larger: a global threshold clips only B; per tensor, each tensor clips its own top quarter.
        var (_, _, ga, gb) = Problem(scaleB: 100);
        var plainUpdate = -cat([ga.flatten(), gb]);
        var global = RunSgd(0.25, global: true, ClippingTarget.Update, scaleB: 100);
        var perTensor = RunSgd(0.25, global: false, ClippingTarget.Update, scaleB: 100);
        var globalChanged = (global - plainUpdate).abs().gt(0);
        var perTensorChanged = (perTensor - plainUpdate).abs().gt(0);
        Assert.AreEqual(0L, globalChanged[..12].sum().item<long>());
        Assert.AreEqual(5L, globalChanged[12..].sum().item<long>());
        Assert.AreEqual(3L, perTensorChanged[..12].sum().item<long>());   // ⌊0.25·12⌋
        Assert.AreEqual(2L, perTensorChanged[12..].sum().item<long>());   // ⌊0.25·8⌋
    }

    [TestMethod]
    public void ParamGroups_DelegateToInner_SoSchedulesReachIt()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(2, dtype: float64));
        var inner = optim.SGD([p], 0.1);
        using var optimizer = new CoordinateClipping(inner, 0);
        foreach (var g in optimizer.ParamGroups)
            g.LearningRate = 0.5;
        Assert.AreEqual(0.5, inner.ParamGroups.Single().LearningRate);
    }
}

[TestClass]
public sealed class SgdSaiTests
{
    [TestMethod]
    public void Step_FirstStep_ScalesByGradientSnr()
    {
        using var scope = NewDisposeScope();
        var g = tensor(new[] { 1.0, 2.0, 4.0 });
        var p = new Parameter(tensor(new[] { 1.0, 1.0, 1.0 }));
        using var optimizer = new SgdSai([p], lr: 0.01, weightDecay: 0.1, eps: 1e-8);
        p.grad = g.clone();
        optimizer.step();
        double norm = Math.Sqrt(21), mean = 7.0 / 3, std = Math.Sqrt((Math.Pow(1 - mean, 2) + Math.Pow(2 - mean, 2) + Math.Pow(4 - mean, 2)) / 2);
        double gsnr = norm / (std + 1e-8);
        Assert.AreEqual(gsnr, optimizer.GetState(p).Gsnr.item<double>(), 1e-12);
        var expected = new[] { 1.0, 2.0, 4.0 }.Select(v => 1.0 * (1 - 0.01 * 0.1) - 0.01 * gsnr * v).ToArray();
        CollectionAssert.AreEqual(expected, p.detach().data<double>().ToArray());
    }

    [TestMethod]
    public void Step_OneElementTensor_UsesZeroStd()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { 0.0 }));
        using var optimizer = new SgdSai([p], lr: 1e-10, weightDecay: 0, eps: 1e-8);
        p.grad = tensor(new[] { -3.0 });
        optimizer.step();
        Assert.AreEqual(3.0 / 1e-8, optimizer.GetState(p).Gsnr.item<double>(), 1e-3);
    }

    [TestMethod]
    public void Step_ZeroFirstGradient_FreezesTheTensor()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { 1.0, 2.0 }));
        using var optimizer = new SgdSai([p], lr: 0.1, weightDecay: 0);
        p.grad = zeros(2, dtype: float64);
        optimizer.step();
        p.grad = tensor(new[] { 1.0, -1.0 });
        optimizer.step();
        Assert.AreEqual(0.0, optimizer.GetState(p).Gsnr.item<double>());
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, p.detach().data<double>().ToArray());
    }
}
