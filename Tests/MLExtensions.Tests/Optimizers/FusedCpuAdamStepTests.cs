using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>
/// Adam and AdamW update CPU tensors in one managed pass (<c>FusedCpuAdamStep</c>); it must give LibTorch's steps to float rounding
/// (its square root is correctly rounded, LibTorch's is not always, so not bit for bit):
/// float32 and float64, sizes that leave a scalar tail after the SIMD vectors, L2 or decoupled weight decay, AMSGrad, a
/// non-contiguous parameter (which goes through LibTorch) and a tensor that starts late, over several steps.
/// </summary>
[TestClass]
public sealed class FusedCpuAdamStepTests
{
    private static readonly long[][] Shapes = [[3], [37, 29], [1000], [7, 5]];

    [TestMethod]
    [DataRow(ScalarType.Float32, false, 0.0, false)]
    [DataRow(ScalarType.Float32, false, 0.01, false)]
    [DataRow(ScalarType.Float32, false, 0.01, true)]
    [DataRow(ScalarType.Float32, true, 0.01, false)]
    [DataRow(ScalarType.Float32, true, 0.0, true)]
    [DataRow(ScalarType.Float64, false, 0.01, true)]
    [DataRow(ScalarType.Float64, true, 0.01, false)]
    public void Step_FusedOnCpu_GivesLibTorchsStepsToRounding(ScalarType dtype, bool decoupled, double weightDecay, bool amsgrad)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(21);
        var starts = Shapes.Select(s => randn(s, dtype: dtype, generator: generator)).ToArray();
        var grads = Enumerable.Range(0, 8).Select(step => Shapes.Select(s => randn(s, dtype: dtype, generator: generator) * Math.Pow(10, step % 3 - 1)).ToArray()).ToList();
        // the last parameter is a transposed view: non-contiguous, so it takes LibTorch's path in both optimizers
        Parameter[] Make() => starts.Select((t, i) => new Parameter(i == 3 ? t.clone().t() : t.clone())).ToArray();
        var fused = Make();
        var plain = Make();
        using var withFused = Create(fused, decoupled, weightDecay, amsgrad, fusedStep: true);
        using var withoutFused = Create(plain, decoupled, weightDecay, amsgrad, fusedStep: false);
        for (int step = 0; step < grads.Count; step++)
        {
            for (int i = 0; i < Shapes.Length; i++)
            {
                bool skipped = i == 0 && step < 3;   // the first tensor starts 3 steps late
                var g = i == 3 ? grads[step][i].t() : grads[step][i];
                fused[i].grad = skipped ? null : g.clone();
                plain[i].grad = skipped ? null : g.clone();
            }
            withFused.step();
            withoutFused.step();
            double tolerance = dtype == ScalarType.Float32 ? 2e-6 : 1e-14;
            for (int i = 0; i < Shapes.Length; i++)
            {
                var (expected, actual) = (Values(plain[i]), Values(fused[i]));
                for (int k = 0; k < expected.Length; k++)
                    Assert.AreEqual(expected[k], actual[k], tolerance * Math.Max(1, Math.Abs(expected[k])), $"tensor {i} element {k} at step {step}");
            }
            var moved = Values(fused[2]).Zip(Values(starts[2])).Max(pair => Math.Abs(pair.First - pair.Second));
            Assert.IsTrue(moved > 100 * tolerance, "the parameters must move by much more than the tolerance");
        }
    }

    [TestMethod]
    public void Step_NaNGradient_PropagatesAsLibTorchDoes()
    {
        using var scope = NewDisposeScope();
        var fused = new Parameter(ones(20));
        var plain = new Parameter(ones(20));
        using var withFused = Create([fused], decoupled: false, 0, amsgrad: true, fusedStep: true);
        using var withoutFused = Create([plain], decoupled: false, 0, amsgrad: true, fusedStep: false);
        var g = ones(20);
        g[3] = tensor(float.NaN);
        g[17] = tensor(float.PositiveInfinity);
        fused.grad = g.clone();
        plain.grad = g.clone();
        withFused.step();
        withoutFused.step();
        CollectionAssert.AreEqual(Values(plain).Select(double.IsNaN).ToArray(), Values(fused).Select(double.IsNaN).ToArray());
        Assert.IsTrue(float.IsNaN(fused[3].item<float>()));
        var finite = Enumerable.Range(0, 20).Where(i => i != 3 && i != 17).ToArray();
        CollectionAssert.AreEqual(finite.Select(i => Values(plain)[i]).ToArray(), finite.Select(i => Values(fused)[i]).ToArray());
    }

    private static optim.Optimizer Create(Parameter[] parameters, bool decoupled, double weightDecay, bool amsgrad, bool fusedStep) => decoupled
        ? new AdamW(parameters, lr: 0.01, beta2: 0.99, weightDecay: weightDecay, amsgrad: amsgrad) { FusedCpuStep = fusedStep }
        : new Adam(parameters, lr: 0.01, beta2: 0.99, weightDecay: weightDecay, amsgrad: amsgrad) { FusedCpuStep = fusedStep };

    private static double[] Values(Tensor t) => t.detach().to(float64).contiguous().cpu().flatten().data<double>().ToArray();
}
