using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>The properties of adaptive-memory momentum listed in ALGORITHMS.md D10 and ALGORITHMS-2.md §2.5.</summary>
[TestClass]
public sealed class AdaptiveMemoryTests
{
    private static double[] Values(Tensor t) => t.detach().cpu().data<double>().ToArray();

    [TestMethod]
    public void AmSgd_FirstStep_EqualsPlainSgd()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { 1.0, -2.0, 0.5 }));
        using var optimizer = new AdaptiveMemorySgd([p], lr: 0.1);
        p.grad = tensor(new[] { 0.3, 0.1, -0.2 });
        optimizer.step();
        CollectionAssert.AreEqual(new[] { 1.0 - 0.03, -2.0 - 0.01, 0.5 + 0.02 }, Values(p), new Tolerance(1e-15));
        Assert.IsTrue(double.IsNaN(optimizer.LastBeta));
    }

    [TestMethod, DataRow(0.1), DataRow(0.0), DataRow(0.2)]
    public void AmSgd_OppositeGradientOfEqualNorm_BetaIsOneMinusThreeLambdaOverFour(double lambda)
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(4, dtype: float64));
        using var optimizer = new AdaptiveMemorySgd([p], lr: 1, lambda: lambda, betaMax: 0.9);
        var g = tensor(new[] { 1.0, -2.0, 0.5, 3.0 });
        p.grad = g.clone();
        optimizer.step();
        p.grad = -g;
        optimizer.step();
        double beta = (1 - 3 * lambda) / 4;
        Assert.AreEqual(beta, optimizer.LastBeta, 1e-14);
        // d2 = ((β+λ)·g + (1−β)·(−g))/(1+λ); p = −g − d2.
        double factor = ((beta + lambda) - (1 - beta)) / (1 + lambda);
        CollectionAssert.AreEqual(Values(-g - g * factor), Values(p), new Tolerance(1e-14));
    }

    [TestMethod]
    public void AmSgd_NearlyConsistentGradients_BetaIsBetaMax()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(3, dtype: float64));
        using var optimizer = new AdaptiveMemorySgd([p], lr: 0.1, lambda: 0.1, betaMax: 0.9);
        var g = tensor(new[] { 1.0, 2.0, -1.0 });
        p.grad = g.clone();
        optimizer.step();
        p.grad = g + tensor(new[] { 1e-4, -1e-4, 2e-4 });
        optimizer.step();
        Assert.AreEqual(0.9, optimizer.LastBeta, 0.0);
    }

    [TestMethod]
    public void AmSgd_GradientEqualsMemory_BetaIsZeroAndDirectionIsTheGradient()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(3, dtype: float64));
        using var optimizer = new AdaptiveMemorySgd([p], lr: 1, lambda: 0.1);
        var g = tensor(new[] { 1.0, 2.0, -1.0 });
        for (int i = 0; i < 2; i++)
        {
            p.grad = g.clone();
            optimizer.step();
        }
        Assert.AreEqual(0.0, optimizer.LastBeta);
        CollectionAssert.AreEqual(Values(g * -2), Values(p), new Tolerance(1e-15));
        CollectionAssert.AreEqual(Values(g), Values(optimizer.GetState(p).Direction), new Tolerance(1e-15));
    }

    [TestMethod]
    public void AmSgd_ForcedBetaWithZeroLambda_IsEmaMomentum()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(2);
        var p = new Parameter(zeros(5, dtype: float64));
        using var optimizer = new AdaptiveMemorySgd([p], lr: 0.1, lambda: 0) { ForcedBeta = 0.7 };
        var expected = zeros(5, dtype: float64);
        Tensor? d = null;
        for (int t = 0; t < 6; t++)
        {
            var g = randn(5, dtype: float64, generator: generator);
            d = d is null ? g.clone() : d * 0.7 + g * 0.3;
            expected = expected - d * 0.1;
            p.grad = g;
            optimizer.step();
        }
        CollectionAssert.AreEqual(Values(expected), Values(p), new Tolerance(1e-14));
    }

    [TestMethod]
    public void AmSgd_BetaClosedForm_MaximizesTheDualOverAGrid()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(8);
        for (int trial = 0; trial < 20; trial++)
        {
            double lambda = 0.05 * (trial % 5), eta = 0.1;
            var g1 = randn(6, dtype: float64, generator: generator);
            var g2 = randn(6, dtype: float64, generator: generator) + g1 * (trial / 10.0);
            var p = new Parameter(zeros(6, dtype: float64));
            using var optimizer = new AdaptiveMemorySgd([p], lr: eta, lambda: lambda, betaMax: 0.9);
            p.grad = g1.clone();
            optimizer.step();
            p.grad = g2.clone();
            optimizer.step();

            // φ(β) − f = β·η⟨g,d⟩ − η‖(1−β)g + (β+λ)d‖²/(2(1+λ)), d = g1 (the memory), g = g2; maximize on [0, 0.9].
            double gd = (g2 * g1).sum().item<double>(), gg = g2.pow(2).sum().item<double>(), dd = g1.pow(2).sum().item<double>();
            double Phi(double beta) =>
                beta * eta * gd
                - eta * ((1 - beta) * (1 - beta) * gg + 2 * (1 - beta) * (beta + lambda) * gd + (beta + lambda) * (beta + lambda) * dd) / (2 * (1 + lambda));
            double best = 0, bestValue = double.NegativeInfinity;
            for (int i = 0; i <= 9000; i++)
            {
                double beta = i * 1e-4, value = Phi(beta);
                if (value > bestValue)
                    (best, bestValue) = (beta, value);
            }
            Assert.AreEqual(best, optimizer.LastBeta, 1.01e-4, $"trial {trial}");
            Assert.IsTrue(optimizer.LastBeta is >= 0 and <= 0.9);
        }
    }

    [TestMethod]
    public void AmSgd_SplittingATensorInTwo_GivesTheSameTrajectory()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(4);
        var start = randn(6, dtype: float64, generator: generator);
        var grads = Enumerable.Range(0, 5).Select(_ => randn(6, dtype: float64, generator: generator)).ToList();
        var whole = new Parameter(start.clone());
        var left = new Parameter(start[..3].clone());
        var right = new Parameter(start[3..].clone());
        using var one = new AdaptiveMemorySgd([whole], lr: 0.05);
        using var two = new AdaptiveMemorySgd([left, right], lr: 0.05);
        foreach (var g in grads)
        {
            whole.grad = g.clone();
            left.grad = g[..3].clone();
            right.grad = g[3..].clone();
            one.step();
            two.step();
            Assert.AreEqual(one.LastBeta, two.LastBeta, 1e-14);
        }
        CollectionAssert.AreEqual(Values(whole), Values(cat([left, right])), new Tolerance(1e-14));
    }

    [TestMethod]
    public void AmAdamW_ZeroLambdaAndBetaFixedAtBetaMax_EqualsAdamW()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(6);
        var start = randn([3, 4], dtype: float64, generator: generator);
        var a = new Parameter(start.clone());
        var b = new Parameter(start.clone());
        using var am = new AdaptiveMemoryAdamW([a], lr: 1e-2, lambda: 0, betaMax: 0.89, beta2: 0.99, eps: 1e-8, weightDecay: 0.1) { ForcedBeta = 0.89 };
        using var adamw = optim.AdamW([b], lr: 1e-2, beta1: 0.89, beta2: 0.99, eps: 1e-8, weight_decay: 0.1);
        for (int t = 0; t < 12; t++)
        {
            var g = randn([3, 4], dtype: float64, generator: generator);
            a.grad = g.clone();
            b.grad = g.clone();
            am.step();
            adamw.step();
            CollectionAssert.AreEqual(Values(b), Values(a), new Tolerance(1e-12), $"step {t + 1}");
        }
    }

    [TestMethod]
    public void AmAdamW_AdaptiveBeta_StaysInRangeAndTrains()
    {
        using var scope = NewDisposeScope();
        var (model, x, y) = TinyProblem.Create(seed: 21);
        using var optimizer = new AdaptiveMemoryAdamW(model.parameters(), lr: 1e-2);
        var betas = new List<double>();
        double first = 0, last = 0;
        for (int t = 0; t < 40; t++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            betas.AddRange(model.parameters().Select(p => optimizer.GetState(p).LastBeta.item<double>()));
            last = loss.item<double>();
            if (t == 0)
                first = last;
        }
        Assert.IsTrue(betas.All(b => b is >= 0 and <= 0.89), "beta outside [0, beta_max]");
        Assert.IsTrue(betas.Distinct().Count() > 3, "beta never adapts");
        Assert.IsTrue(last < first * 0.8, $"loss {first} -> {last}");
    }

    [TestMethod]
    public void AmAdamW_ThreeSteps_MatchesTheAlgorithmWrittenOutInDoubles()
    {
        using var scope = NewDisposeScope();
        double lambda = 0.3, betaMax = 0.85, beta2 = 0.9, eps = 1e-3, mu = 0.2;
        double[] lrs = [0.1, 0.1, 0.05];
        double[] x = [0.5, -1.0, 2.0, 0.25];
        double[][] grads = [[0.3, -0.2, 0.9, -1.1], [0.1, 0.4, -0.3, 0.8], [-0.5, 0.2, 0.6, 0.1]];
        var p = new Parameter(tensor(x));
        using var optimizer = new AdaptiveMemoryAdamW([p], lr: lrs[0], lambda: lambda, betaMax: betaMax, beta2: beta2, eps: eps, weightDecay: mu);
        int n = x.Length;
        var v = new double[n];
        var d = new double[n];
        double product = 1, previousLr = 0;
        int unclipped = 0;
        for (int t = 1; t <= 3; t++)
        {
            double lr = lrs[t - 1];
            var g = grads[t - 1];
            var pre = new double[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                pre[i] = (1 - betaMax * product) * (Math.Sqrt(v[i] / (1 - Math.Pow(beta2, t))) + eps);
            }
            double beta = betaMax;
            if (t > 1)
            {
                double gap = 0, num = 0, den = 0, decay = 0;
                for (int i = 0; i < n; i++)
                {
                    double metric = 1 / (pre[i] * (1 + lambda * pre[i]));
                    gap += g[i] * (d[i] / pre[i] + mu * x[i]);
                    num -= metric * (d[i] - g[i]) * (g[i] + lambda * pre[i] * d[i]);
                    decay += x[i] * (d[i] - g[i]);
                    den += metric * (d[i] - g[i]) * (d[i] - g[i]);
                }
                num += previousLr / lr * gap * (1 + mu * lr) - mu * decay;
                beta = den > 0 ? Math.Clamp(num / den, 0, betaMax) : 0;
            }
            for (int i = 0; i < n; i++)
            {
                d[i] = ((1 - beta) * g[i] + (lambda * pre[i] + beta) * d[i]) / (1 + lambda * pre[i]);
                x[i] = (1 - mu * lr) * x[i] - lr * d[i] / pre[i];
            }
            product *= beta;
            previousLr = lr;

            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = lr;
            p.grad = tensor(g);
            optimizer.step();
            Assert.AreEqual(beta, optimizer.GetState(p).LastBeta.item<double>(), 1e-13, $"beta at step {t}");
            CollectionAssert.AreEqual(x, Values(p), new Tolerance(1e-13), $"step {t}");
            if (beta > 0 && beta < betaMax)
                unclipped++;
        }
        Assert.IsTrue(unclipped > 0, "every beta was clipped, so the adaptive formula was not exercised");
    }

    /// <summary>AM-AdamW computes the group's per-tensor quantities together (c, the bias correction, the inner products, β): a group of
    /// tensors must still step each tensor exactly as an optimizer of its own would, also when one tensor has no gradient for the first
    /// steps (so the tensors' step counts and β products differ).</summary>
    [TestMethod]
    public void AmAdamW_GroupOfTensors_StepsEachTensorAsAloneWouldEvenWithDifferentStepCounts()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        long[][] shapes = [[5], [3, 4], [2]];
        var starts = shapes.Select(s => randn(s, dtype: float64, generator: generator)).ToArray();
        var grads = Enumerable.Range(0, 7).Select(_ => shapes.Select(s => randn(s, dtype: float64, generator: generator)).ToArray()).ToList();
        var joint = starts.Select(t => new Parameter(t.clone())).ToArray();
        var alone = starts.Select(t => new Parameter(t.clone())).ToArray();
        using var together = new AdaptiveMemoryAdamW(joint, lr: 0.05, lambda: 0.2, weightDecay: 0.1, beta2: 0.9);
        var separate = alone.Select(p => new AdaptiveMemoryAdamW([p], lr: 0.05, lambda: 0.2, weightDecay: 0.1, beta2: 0.9)).ToArray();
        for (int step = 0; step < grads.Count; step++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                bool skipped = i == 2 && step < 2;   // the last tensor starts 2 steps late
                joint[i].grad = skipped ? null : grads[step][i].clone();
                alone[i].grad = skipped ? null : grads[step][i].clone();
            }
            together.step();
            foreach (var optimizer in separate) optimizer.step();
            for (int i = 0; i < shapes.Length; i++)
            {
                Assert.AreEqual(separate[i].GetState(alone[i]).LastBeta.item<double>(), together.GetState(joint[i]).LastBeta.item<double>(), 1e-14,
                    $"beta of tensor {i} at step {step}");
                CollectionAssert.AreEqual(Values(alone[i]), Values(joint[i]), new Tolerance(1e-14), $"tensor {i} at step {step}");
            }
        }
        Assert.AreEqual(5L, together.GetState(joint[2]).Step, "the late tensor's own step count");
        foreach (var optimizer in separate) optimizer.Dispose();
    }

    /// <summary>AM-AdamW writes its full-size intermediates into work tensors kept between steps (P and (d − g)/(1 + λP) per
    /// parameter, d − g and the rest in scratch shared by the group's tensors): reusing them must give the steps that fresh
    /// tensors give, for a group whose tensors differ in shape (the scratch is sized for the largest and viewed for the others),
    /// layout (a transposed, non-contiguous parameter) and step count (one tensor starts late), and for float32 and float64.</summary>
    [TestMethod, DataRow(ScalarType.Float64), DataRow(ScalarType.Float32)]
    public void AmAdamW_ReusedWorkTensors_GiveTheStepsOfFreshOnes(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(12);
        long[][] shapes = [[4], [6, 5], [3, 2], [5, 3]];
        var starts = shapes.Select(s => randn(s, dtype: dtype, generator: generator)).ToArray();
        var grads = Enumerable.Range(0, 6).Select(_ => shapes.Select(s => randn(s, dtype: dtype, generator: generator)).ToArray()).ToList();
        // the last parameter is a transposed view: non-contiguous, shape [3, 5]
        Parameter[] Make() => starts.Select((t, i) => new Parameter(i == 3 ? t.clone().t() : t.clone())).ToArray();
        var reused = Make();
        var fresh = Make();
        using var withReuse = new AdaptiveMemoryAdamW(reused, lr: 0.05, lambda: 0.2, weightDecay: 0.1, beta2: 0.9);
        using var withoutReuse = new AdaptiveMemoryAdamW(fresh, lr: 0.05, lambda: 0.2, weightDecay: 0.1, beta2: 0.9) { ReuseWorkTensors = false };
        Assert.IsTrue(withReuse.ReuseWorkTensors, "work tensors are reused by default");
        Assert.IsFalse(reused[3].is_contiguous(), "the transposed parameter must stay non-contiguous");
        for (int step = 0; step < grads.Count; step++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                bool skipped = i == 0 && step < 3;   // the first (smallest) tensor starts 3 steps late
                var g = i == 3 ? grads[step][i].t() : grads[step][i];
                reused[i].grad = skipped ? null : g.clone();
                fresh[i].grad = skipped ? null : g.clone();
            }
            withReuse.step();
            withoutReuse.step();
            for (int i = 0; i < shapes.Length; i++)
            {
                Assert.AreEqual(AsDoubles(withoutReuse.GetState(fresh[i]).LastBeta)[0], AsDoubles(withReuse.GetState(reused[i]).LastBeta)[0], 1e-15,
                    $"beta of tensor {i} at step {step}");
                CollectionAssert.AreEqual(AsDoubles(fresh[i]), AsDoubles(reused[i]), new Tolerance(1e-15), $"tensor {i} at step {step}");
            }
        }
        Assert.IsTrue(shapes.Select((_, i) => AsDoubles(withReuse.GetState(reused[i]).LastBeta)[0]).Distinct().Count() > 1,
            "the tensors' betas should differ, or the per-tensor intermediates are not really exercised");
    }

    private static double[] AsDoubles(Tensor t) => t.detach().to(float64).contiguous().cpu().flatten().data<double>().ToArray();

    /// <summary>Element-wise comparer for CollectionAssert with an absolute tolerance.</summary>
    private sealed class Tolerance(double tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((double)x! - (double)y!) <= tolerance ? 0 : 1;
    }
}
