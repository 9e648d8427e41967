using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>AdaGrad-Norm has no PyTorch counterpart: checked against a plain double-array re-computation and its defining properties.</summary>
[TestClass]
public sealed class AdaGradNormTests
{
    [TestMethod]
    public void Step_RandomGradients_MatchesBruteForceRecomputation()
    {
        const double lr = 0.3, lrDecay = 0.05, wd = 0.1, b0 = 0.2, eps = 1e-10;
        var random = new Random(3);
        long[][] shapes = [[3, 2], [4], [2, 2, 2]];
        var start = shapes.Select(s => Enumerable.Range(0, (int)s.Aggregate(1L, (a, b) => a * b)).Select(_ => random.NextDouble() * 2 - 1).ToArray()).ToArray();
        var grads = Enumerable.Range(0, 20).Select(t => start.Select(p => p.Select(_ => (random.NextDouble() * 2 - 1) * (1 + t % 3)).ToArray()).ToArray()).ToArray();

        // Brute force: one scalar accumulator over every coordinate of every parameter.
        var expected = start.Select(p => (double[])p.Clone()).ToArray();
        double sum = b0;
        for (int t = 0; t < grads.Length; t++)
        {
            var g = grads[t].Select((gp, i) => gp.Select((v, k) => v + wd * expected[i][k]).ToArray()).ToArray();
            foreach (var gp in g)
                foreach (var v in gp)
                    sum += v * v;
            double clr = lr / (1 + t * lrDecay);
            for (int i = 0; i < g.Length; i++)
                for (int k = 0; k < g[i].Length; k++)
                    expected[i][k] -= clr * g[i][k] / (Math.Sqrt(sum) + eps);
        }

        using var scope = NewDisposeScope();
        var ps = start.Select((v, i) => new Parameter(tensor(v, shapes[i], dtype: float64))).ToList();
        using var optimizer = new AdaGradNormSpec(lr, lrDecay, wd, b0, eps).Create(ps);
        foreach (var step in grads)
        {
            for (int i = 0; i < ps.Count; i++)
                ps[i].grad = tensor(step[i], shapes[i], dtype: float64);
            optimizer.step();
        }
        for (int i = 0; i < ps.Count; i++)
        {
            var actual = ps[i].data<double>().ToArray();
            for (int k = 0; k < actual.Length; k++)
                Assert.AreEqual(expected[i][k], actual[k], 1e-12, $"param {i}[{k}]");
        }
        Assert.AreEqual(sum, ((AdaGradNorm)optimizer).GetState(ps[2]).Sum.item<double>(), 1e-9 * sum);
    }

    [TestMethod]
    public void Step_FirstStepWithZeroAccumulator_MovesByExactlyTheLearningRate()
    {
        using var scope = NewDisposeScope();
        var a = new Parameter(zeros(3, 4, dtype: float64));
        var b = new Parameter(zeros(5, dtype: float64));
        using var optimizer = new AdaGradNorm([a, b], lr: 0.7, initialAccumulatorValue: 0, eps: 1e-300);
        var generator = new Generator(1);
        a.grad = randn([3, 4], dtype: float64, generator: generator) * 10;
        b.grad = randn([5], dtype: float64, generator: generator);
        optimizer.step();
        double moved = cat([a.flatten(), b.flatten()]).norm().item<double>();
        Assert.AreEqual(0.7, moved, 1e-12, "The first step is lr · g/‖g‖ over the whole group.");
    }

    [TestMethod]
    public void Step_GradientsScaledByConstant_SameTrajectory()
    {
        // With b0 = 0 the update is invariant to the gradient's scale (the property AdaGrad-Norm is built for).
        Tensor Run(double scale)
        {
            var p = new Parameter(ones(4, 3, dtype: float64));
            using var optimizer = new AdaGradNorm([p], lr: 0.1, initialAccumulatorValue: 0, eps: 1e-300);
            var generator = new Generator(2);
            for (int t = 0; t < 10; t++)
            {
                p.grad = randn([4, 3], dtype: float64, generator: generator) * scale;
                optimizer.step();
            }
            return p.detach().clone();
        }
        using var scope = NewDisposeScope();
        Assert.IsTrue(Run(1).allclose(Run(1000), rtol: 1e-12, atol: 1e-14));
    }

    [TestMethod]
    public void Step_OneElementParameter_EqualsAdaGrad()
    {
        // For a single coordinate the norm accumulator is the coordinate accumulator: the golden-tested AdaGrad must agree.
        using var scope = NewDisposeScope();
        var p1 = new Parameter(tensor(new[] { 0.5 }, dtype: float64));
        var p2 = new Parameter(tensor(new[] { 0.5 }, dtype: float64));
        using var norm = new AdaGradNorm([p1], lr: 0.05, lrDecay: 0.1, weightDecay: 0.2, initialAccumulatorValue: 0.3, eps: 1e-8);
        using var adagrad = new AdaGrad([p2], lr: 0.05, lrDecay: 0.1, weightDecay: 0.2, initialAccumulatorValue: 0.3, eps: 1e-8);
        for (int t = 0; t < 15; t++)
        {
            double g = Math.Sin(t + 1) * (t + 1);
            p1.grad = tensor(new[] { g }, dtype: float64);
            p2.grad = tensor(new[] { g }, dtype: float64);
            norm.step();
            adagrad.step();
            Assert.AreEqual(p2.item<double>(), p1.item<double>(), 1e-15, $"step {t + 1}");
        }
    }

    [TestMethod]
    public void Step_TwoGroups_KeepSeparateAccumulators()
    {
        using var scope = NewDisposeScope();
        var a = new Parameter(zeros(2, dtype: float64));
        var b = new Parameter(zeros(2, dtype: float64));
        using var optimizer = new AdaGradNorm([new AdaGradNorm.ParamGroup([a]), new AdaGradNorm.ParamGroup([b])], initialAccumulatorValue: 0);
        a.grad = tensor(new[] { 3.0, 4.0 }, dtype: float64);
        b.grad = tensor(new[] { 300.0, 400.0 }, dtype: float64);
        optimizer.step();
        Assert.AreEqual(25.0, optimizer.GetState(a).Sum.item<double>(), 1e-12);
        Assert.AreEqual(250000.0, optimizer.GetState(b).Sum.item<double>(), 1e-6);
        Assert.IsTrue(a.allclose(b), "each group is normalized by its own accumulator");
    }
}
