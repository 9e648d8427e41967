using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class ApgdAttackTests : OneTorchThreadTestBase
{
    [TestMethod]
    public void Checkpoints_AreThePapersFractionsOfTheBudget()
    {
        // Golden values: p = [0, 0.22], p_{j+1} = p_j + max(p_j - p_{j-1} - 0.03, 0.06), ceil(p_j * N) below N (Python, same doubles).
        CollectionAssert.AreEqual(new[] { 22, 41, 58, 70, 80, 87, 93, 99 }, ApgdAttack.Checkpoints(100).ToArray());
        CollectionAssert.AreEqual(new[] { 5, 9, 12, 15, 16, 18, 19 }, ApgdAttack.Checkpoints(20).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 5, 6, 8, 9 }, ApgdAttack.Checkpoints(10).ToArray());
    }

    [TestMethod]
    [DataRow(ApgdLoss.CrossEntropy, AttackNorm.LInfinity)]
    [DataRow(ApgdLoss.CrossEntropy, AttackNorm.L2)]
    [DataRow(ApgdLoss.TargetedDlr, AttackNorm.LInfinity)]
    [DataRow(ApgdLoss.TargetedDlr, AttackNorm.L2)]
    public void Perturbation_StaysInsideTheBallAndTheBox(ApgdLoss loss, AttackNorm norm)
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.CreateDifferentiableClassifier();
        var attack = new ApgdAttack(new ApgdAttack.Options { Loss = loss, Norm = norm, Epsilon = 0.3, Iterations = 20, InputBox = InputBox.Uniform(-1, 1) });
        using var generator = new Generator(4);

        using var adversarial = attack.Perturb(model, x, y, generator);
        using var delta = adversarial - x;

        Assert.IsLessThanOrEqualTo(0.3 + 1e-5, AttackTestData.MaxNorm(delta, norm));
        Assert.IsGreaterThanOrEqualTo(-1f, adversarial.min().item<float>());
        Assert.IsLessThanOrEqualTo(1f, adversarial.max().item<float>());
        Assert.IsLessThan(AttackTestData.Accuracy(model, x, y) - 0.1, AttackTestData.Accuracy(model, adversarial, y));
    }

    [TestMethod]
    [DataRow(ApgdLoss.CrossEntropy, 20)]
    public void Apgd_IsAtLeastAsStrongAsPgd(ApgdLoss loss, int iterations)
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.CreateDifferentiableClassifier();
        using var g1 = new Generator(8); using var g2 = new Generator(8);

        using var pgd = new PgdAttack(new PgdAttack.Options { Epsilon = 0.12, Iterations = 20 }).Perturb(model, x, y, g1);
        using var apgd = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.12, Iterations = iterations, Loss = loss }).Perturb(model, x, y, g2);

        double clean = AttackTestData.Accuracy(model, x, y), underPgd = AttackTestData.Accuracy(model, pgd, y), underApgd = AttackTestData.Accuracy(model, apgd, y);
        Assert.IsLessThan(clean - 0.05, underPgd, "PGD should bite at this ε");
        Assert.IsLessThanOrEqualTo(underPgd, underApgd, $"APGD accuracy {underApgd} vs PGD {underPgd}");
    }

    [TestMethod]
    public void LinearBinaryModel_ReachesTheAnalyticWorstCase()
    {
        // As for PGD: logits (0, w·x); the worst ℓ∞ point of a class-1 row is x - ε sign(w).
        using var model = new LinearToyClassifier(new float[,] { { 0, 0, 0 }, { 1, -2, 0.5f } }, [0, 0]);
        using var x = tensor(new float[] { 0.3f, -0.2f, 0.1f }, [1, 3]);
        using var y = tensor(new long[] { 1 });
        foreach (var loss in new[] { ApgdLoss.CrossEntropy, ApgdLoss.TargetedDlr })
        {
            using var adversarial = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.1, Iterations = 10, RandomStart = false, Loss = loss }).Perturb(model, x, y);
            CollectionAssert.AreEqual(new[] { 0.2f, -0.1f, 0.0f }, adversarial.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray(), loss.ToString());
        }
    }

    [TestMethod]
    public void SameSeed_SameResult_OtherSeed_OtherResult()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.CreateDifferentiableClassifier();
        var attack = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.1, Iterations = 10, Loss = ApgdLoss.TargetedDlr, Restarts = 2 });
        using var g1 = new Generator(5); using var g2 = new Generator(5); using var g3 = new Generator(6);

        using var a = attack.Perturb(model, x, y, g1);
        using var b = attack.Perturb(model, x, y, g2);
        using var c = attack.Perturb(model, x, y, g3);

        Assert.IsTrue(a.eq(b).all().item<bool>());
        Assert.IsFalse(a.eq(c).all().item<bool>(), "another seed must give other random starts");
    }

    [TestMethod]
    [DataRow(ApgdLoss.CrossEntropy)]
    [DataRow(ApgdLoss.TargetedDlr)]
    public void Restarts_KeepTheWorstCasePerRow(ApgdLoss loss)
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.Model.CreateDifferentiableClassifier();
        // One target for APGD-T: with more, the second target's first run would draw other random starts than in `one`.
        var one = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.15, Iterations = 5, Loss = loss, TargetCount = 1 });
        var three = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.15, Iterations = 5, Loss = loss, TargetCount = 1, Restarts = 3 });

        // The same seed: the first restart of `three` is the whole run of `one`.
        using var g1 = new Generator(9); using var g3 = new Generator(9);
        using var a1 = one.Perturb(model, x, y, g1);
        using var a3 = three.Perturb(model, x, y, g3);

        using var m1 = PgdAttackTests.Margins(model, a1, y);
        using var m3 = PgdAttackTests.Margins(model, a3, y);
        Assert.IsTrue(m3.ge(m1.sub(1e-6f)).all().item<bool>(), "no row may get less adversarial with more restarts");
        Assert.IsTrue(m3.gt(m1.add(1e-4f)).any().item<bool>(), "some row should gain from the extra restarts");
    }

    [TestMethod]
    public void StepSize_IsHalvedAtTheCheckpoints_SoTheIteratesSettleOnAnInteriorMaximum()
    {
        // The loss peaks inside the ball at x = 0.1; the first step (2ε = 2) jumps across the peak and a fixed step would keep
        // oscillating over the whole ball. Halving at the checkpoints (8 of them in 100 iterations) brings the iterates onto it.
        using var model = new PeakToyClassifier(center: 0.1f, curvature: 4);
        var clean = Enumerable.Range(0, 16).Select(i => -0.75f + 0.1f * i).ToArray();
        using var x = tensor(clean, [16, 1]);
        using var y = ones(16, dtype: ScalarType.Int64);
        var attack = new ApgdAttack(new ApgdAttack.Options { Epsilon = 1, Iterations = 100, RandomStart = false });

        using var adversarial = attack.Perturb(model, x, y);

        // The last five queries are the last five iterates (one gradient per iteration).
        var lastIterates = model.Queries.TakeLast(5).SelectMany(q => q).ToArray();
        float spread = lastIterates.Max(v => MathF.Abs(v - 0.1f));
        Assert.IsLessThan(0.05f, spread, $"the last iterates lie up to {spread} from the peak: the step was not halved");
        float best = adversarial.data<float>().Max(v => MathF.Abs(v - 0.1f));
        Assert.IsLessThan(0.02f, best, $"the returned points lie up to {best} from the peak");
    }

    /// <summary>A 10-class linear model with seeded weights in [-1, 1]; 100 rows in [-1, 1]^16 labelled by its own prediction.</summary>
    private static (LinearToyClassifier Model, Tensor X, Tensor Y) LinearTenClasses()
    {
        var r = new Random(10);
        var w = new float[10, 16];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 16; j++) w[i, j] = (float)(r.NextDouble() * 2 - 1);
        var model = new LinearToyClassifier(w, new float[10]);
        var (x, _) = AttackTestData.Random(100, 16, 10, seed: 5);
        using var logp = model.LogProbabilities(x);
        return (model, x, logp.argmax(1));
    }

    /// <summary>The exact ℓ∞ robust accuracy of a bias-free linear model: a row survives iff (w_t − w_y)·x + ε‖w_t − w_y‖₁ ≤ 0 for every t ≠ y.</summary>
    private static double ExactRobustAccuracy(LinearToyClassifier model, Tensor x, Tensor y, double epsilon)
    {
        var w = model.Weight;
        int k = w.GetLength(0), d = w.GetLength(1);
        var xs = x.data<float>().ToArray();
        var ys = y.data<long>().ToArray();
        int robust = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            bool survives = true;
            for (int t = 0; t < k && survives; t++)
            {
                if (t == ys[i]) continue;
                double margin = 0, l1 = 0;
                for (int j = 0; j < d; j++)
                {
                    double dw = w[t, j] - w[ys[i], j];
                    margin += dw * xs[i * d + j];
                    l1 += Math.Abs(dw);
                }
                survives = margin + epsilon * l1 <= 0;
            }
            if (survives) robust++;
        }
        return robust / (double)ys.Length;
    }

    [TestMethod]
    public void TargetedDlr_OnATenClassLinearModel_ReachesTheExactRobustAccuracy_WherePgdDoesNot()
    {
        // On a linear model each targeted margin is maximized by one signed step, so APGD-T over all 9 wrong classes finds every row
        // that can be flipped; PGD on the cross-entropy, with the same 99 gradient evaluations, follows the gradient of all wrong
        // classes at once and misses some. (APGD-T needs several classes: its targets are the wrong classes, its budget is per target.)
        var (model, x, y) = LinearTenClasses();
        using var _ = model; using var __ = x; using var ___ = y;
        const double epsilon = 0.1;
        double exact = ExactRobustAccuracy(model, x, y, epsilon);
        double Attacked(AdversarialAttack attack)
        {
            using var generator = new Generator(1);
            using var adversarial = attack.Perturb(model, x, y, generator);
            return AttackTestData.Accuracy(model, adversarial, y);
        }

        double apgdT = Attacked(new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 11, Loss = ApgdLoss.TargetedDlr, TargetCount = 9 }));
        // The 3 most likely wrong classes at the clean point are enough here (the same budget, 3 × 33 steps).
        double apgdT3 = Attacked(new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 33, Loss = ApgdLoss.TargetedDlr, TargetCount = 3 }));
        double pgd = Attacked(new PgdAttack(new PgdAttack.Options { Epsilon = epsilon, Iterations = 99 }));

        Assert.IsTrue(exact is > 0.1 and < 0.5, $"ε should leave some rows robust and flip others (exact robust accuracy {exact})");
        Assert.AreEqual(exact, apgdT, 1e-9, $"APGD-T accuracy {apgdT}, exact {exact}");
        Assert.AreEqual(exact, apgdT3, 1e-9, $"APGD-T with the 3 most likely targets: accuracy {apgdT3}, exact {exact}");
        Assert.IsGreaterThan(exact, pgd, $"PGD-99 accuracy {pgd}, exact {exact}");
    }

    [TestMethod]
    public void WorstCaseOfApgdCeAndApgdT_IsAtMostPgd_OnANonlinearTenClassToy()
    {
        // At equal gradient budget (PGD-99 against APGD-T: 9 targets × 11 steps), and as AutoAttack reports: per row, over both APGDs.
        using var model = new TanhToyClassifier(16, 32, 10, seed: 10);
        var (x, _) = AttackTestData.Random(100, 16, 10, seed: 5);
        using var __ = x;
        using var logp = model.LogProbabilities(x);
        using var y = logp.argmax(1);
        const double epsilon = 0.1;
        Tensor Attack(AdversarialAttack attack) { using var generator = new Generator(1); return attack.Perturb(model, x, y, generator); }

        using var pgd = Attack(new PgdAttack(new PgdAttack.Options { Epsilon = epsilon, Iterations = 99 }));
        using var ce = Attack(new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 99 }));
        using var targeted = Attack(new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 11, Loss = ApgdLoss.TargetedDlr, TargetCount = 9 }));

        double underPgd = AttackTestData.Accuracy(model, pgd, y), underT = AttackTestData.Accuracy(model, targeted, y);
        double worst;
        using (NewDisposeScope())
        {
            worst = model.LogProbabilities(ce).argmax(1).eq(y).logical_and(model.LogProbabilities(targeted).argmax(1).eq(y))
                .to(ScalarType.Float64).mean().item<double>();
        }
        Assert.IsLessThan(0.6, underPgd, $"PGD should flip many rows at this ε ({underPgd})");
        Assert.IsLessThanOrEqualTo(underPgd, underT, $"APGD-T {underT} vs PGD {underPgd}");
        Assert.IsLessThan(underPgd, worst, $"worst case of APGD-CE and APGD-T {worst} vs PGD {underPgd}");
    }

    [TestMethod]
    public void TargetedDlr_IsInvariantToShiftAndScale()
    {
        using var model = new LinearToyClassifier(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 }, { -1, 0 }, { 0, -1 } }, [0, 0, 0, 0, 0]);
        using var x = tensor(new float[] { 0.5f, -0.3f }, [1, 2]);
        using var y = tensor(new long[] { 2 });
        using var target = tensor(new long[] { 0 });
        var attack = new ApgdAttack(new ApgdAttack.Options { RandomStart = false });
        using var context = AttackContext.Create(model, x, y, new ApgdAttack.Options(), null);
        using var z = tensor(new float[] { 3, 1, 4, -2, 0 }, [1, 5]);
        using var shiftedScaled = z * 2.5f + 7;

        float dlr = ApgdAttack.TargetedDlr(context, z, target).item<float>();
        // -(z_y - z_t) / (z_π1 - (z_π3 + z_π4)/2) = -(4 - 3) / (4 - (1 + 0)/2)
        Assert.AreEqual(-1 / 3.5f, dlr, 1e-6f);
        Assert.AreEqual(dlr, ApgdAttack.TargetedDlr(context, shiftedScaled, target).item<float>(), 1e-6f);
    }

    [TestMethod]
    public void Options_NameTheOption()
    {
        (string Name, Action<ApgdAttack.Options> Break)[] cases =
        [
            (nameof(ApgdAttack.Options.Iterations), o => o.Iterations = 0),
            (nameof(ApgdAttack.Options.Restarts), o => o.Restarts = 0),
            (nameof(ApgdAttack.Options.TargetCount), o => o.TargetCount = 0),
            (nameof(ApgdAttack.Options.Loss), o => o.Loss = (ApgdLoss)5),
            (nameof(ApgdAttack.Options.Epsilon), o => o.Epsilon = double.NaN),
            (nameof(ApgdAttack.Options.Restarts), o => { o.Restarts = 3; o.RandomStart = false; }),
        ];
        foreach (var (name, breakIt) in cases)
        {
            var options = new ApgdAttack.Options();
            breakIt(options);
            Assert.AreEqual(name, Assert.Throws<ArgumentException>(() => new ApgdAttack(options), name).ParamName);
        }
        Assert.AreEqual("Epsilon", Assert.Throws<ArgumentException>(() => new FgsmAttack(new FgsmAttack.Options { Epsilon = 0 })).ParamName);
    }
}
