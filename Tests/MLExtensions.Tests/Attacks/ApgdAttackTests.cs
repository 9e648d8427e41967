using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class ApgdAttackTests
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
    public void SameSeed_SameResult()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.CreateDifferentiableClassifier();
        var attack = new ApgdAttack(new ApgdAttack.Options { Epsilon = 0.1, Iterations = 10, Loss = ApgdLoss.TargetedDlr, Restarts = 2 });
        using var g1 = new Generator(5); using var g2 = new Generator(5);

        using var a = attack.Perturb(model, x, y, g1);
        using var b = attack.Perturb(model, x, y, g2);

        Assert.IsTrue(a.eq(b).all().item<bool>());
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
