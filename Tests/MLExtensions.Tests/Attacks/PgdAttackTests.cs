using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class PgdAttackTests : OneTorchThreadTestBase
{
    private static LinearToyClassifier Toy() => new(new float[,] { { 1, -2, 0.5f, 0 }, { -1, 1, 1, 0.5f }, { 0.5f, 0.5f, -1, -1 } }, [0.1f, 0, -0.1f]);

    [TestMethod]
    [DataRow(AttackNorm.LInfinity)]
    [DataRow(AttackNorm.L2)]
    public void Perturbation_StaysInsideTheBallAndTheBox(AttackNorm norm)
    {
        using var model = Toy();
        var (x, y) = AttackTestData.Random(64, 4, 3, seed: 1);
        using var _ = x; using var __ = y;
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.3, Norm = norm, Iterations = 15, InputBox = InputBox.Uniform(-1, 1), Restarts = 2 });
        using var generator = new Generator(7);

        using var adversarial = attack.Perturb(model, x, y, generator);
        using var delta = adversarial - x;

        Assert.IsLessThanOrEqualTo(0.3 + 1e-5, AttackTestData.MaxNorm(delta, norm));
        Assert.IsGreaterThan(0.25, AttackTestData.MaxNorm(delta, norm), "the attack should use its budget on some row");
        Assert.IsGreaterThanOrEqualTo(-1f, adversarial.min().item<float>());
        Assert.IsLessThanOrEqualTo(1f, adversarial.max().item<float>());
    }

    [TestMethod]
    public void CleanValueOutsideTheBox_IsNeverMovedFurtherOut()
    {
        using var model = Toy();
        using var x = tensor(new float[] { 2f, -2f, 0f, 0f, 0.5f, 0.5f, 0.5f, 0.5f }, [2, 4]);
        using var y = tensor(new long[] { 0, 1 });
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.4, Iterations = 10, InputBox = InputBox.Uniform(-1, 1) });
        using var generator = new Generator(3);

        using var adversarial = attack.Perturb(model, x, y, generator);
        using var delta = adversarial - x;

        Assert.IsLessThanOrEqualTo(0.4 + 1e-5, AttackTestData.MaxNorm(delta, AttackNorm.LInfinity));
        Assert.IsLessThanOrEqualTo(2f, adversarial[0, 0].item<float>());
        Assert.IsGreaterThanOrEqualTo(-2f, adversarial[0, 1].item<float>());
        Assert.IsLessThanOrEqualTo(1f, adversarial[1].max().item<float>());
    }

    [TestMethod]
    public void LinearBinaryModel_ReachesTheAnalyticWorstCase()
    {
        // Two classes with logits w·x and 0: the worst ℓ∞ point for a class-1 row is x - ε sign(w), its margin drop is ε‖w‖₁.
        using var model = new LinearToyClassifier(new float[,] { { 0, 0, 0 }, { 1, -2, 0.5f } }, [0, 0]);
        using var x = tensor(new float[] { 0.3f, -0.2f, 0.1f }, [1, 3]);
        using var y = tensor(new long[] { 1 });
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.1, Iterations = 10, RandomStart = false });

        using var adversarial = attack.Perturb(model, x, y);

        CollectionAssert.AreEqual(new[] { 0.2f, -0.1f, 0.0f }, adversarial.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [TestMethod]
    [DataRow(AttackNorm.LInfinity)]
    [DataRow(AttackNorm.L2)]
    public void StandardNetwork_LargeEpsilon_DrivesAccuracyNearZero(AttackNorm norm)
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.Model.CreateDifferentiableClassifier();
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = norm == AttackNorm.LInfinity ? 1.0 : 2.0, Norm = norm, Iterations = 20,
            InputBox = InputBox.Uniform(-1, 1) });
        using var generator = new Generator(11);

        using var adversarial = attack.Perturb(model, x, y, generator);

        Assert.IsGreaterThan(0.85, AttackTestData.Accuracy(model, x, y), "clean accuracy");
        double attacked = AttackTestData.Accuracy(model, adversarial, y);
        Assert.IsLessThan(0.05, attacked, $"attacked accuracy {attacked}");
    }

    [TestMethod]
    public void SmallEpsilon_LowersAccuracyLessThanLargeEpsilon()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.Model.CreateDifferentiableClassifier();
        using var generator = new Generator(11);

        using var small = new PgdAttack(new PgdAttack.Options { Epsilon = 0.05 }).Perturb(model, x, y, generator);
        using var large = new PgdAttack(new PgdAttack.Options { Epsilon = 0.3 }).Perturb(model, x, y, generator);

        double clean = AttackTestData.Accuracy(model, x, y), atSmall = AttackTestData.Accuracy(model, small, y), atLarge = AttackTestData.Accuracy(model, large, y);
        Assert.IsLessThan(clean, atSmall);
        Assert.IsLessThan(atSmall, atLarge);
    }

    [TestMethod]
    public void SameSeed_SameResult_OtherSeed_OtherStart()
    {
        using var model = Toy();
        var (x, y) = AttackTestData.Random(32, 4, 3, seed: 2);
        using var _ = x; using var __ = y;
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.2, Iterations = 1, StepSize = 0.01 });

        using var g1 = new Generator(5); using var g2 = new Generator(5); using var g3 = new Generator(6);
        using var a = attack.Perturb(model, x, y, g1);
        using var b = attack.Perturb(model, x, y, g2);
        using var c = attack.Perturb(model, x, y, g3);

        Assert.IsTrue(a.eq(b).all().item<bool>());
        Assert.IsFalse(a.eq(c).all().item<bool>());
    }

    [TestMethod]
    public void Restarts_KeepTheWorstCasePerRow()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.Model.CreateDifferentiableClassifier();
        var one = new PgdAttack(new PgdAttack.Options { Epsilon = 0.15, Iterations = 5 });
        var three = new PgdAttack(new PgdAttack.Options { Epsilon = 0.15, Iterations = 5, Restarts = 3 });

        // The same seed: the first restart of `three` is the whole run of `one`.
        using var g1 = new Generator(9); using var g3 = new Generator(9);
        using var a1 = one.Perturb(model, x, y, g1);
        using var a3 = three.Perturb(model, x, y, g3);

        using var m1 = Margins(model, a1, y);
        using var m3 = Margins(model, a3, y);
        Assert.IsTrue(m3.ge(m1.sub(1e-6f)).all().item<bool>(), "no row may get less adversarial with more restarts");
        Assert.IsTrue(m3.gt(m1.add(1e-4f)).any().item<bool>(), "some row should gain from the extra restarts");
    }

    [TestMethod]
    public void Attack_LeavesNoParameterGradient()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.Model.CreateDifferentiableClassifier();
        using var generator = new Generator(1);

        using var adversarial = new PgdAttack(new PgdAttack.Options { Iterations = 3 }).Perturb(model, x, y, generator);

        Assert.IsTrue(model.Network.parameters().All(p => p.grad is null));
    }

    /// <summary>Best wrong class minus true class in log-probability, per row.</summary>
    internal static Tensor Margins(IDifferentiableClassifier model, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logp = model.LogProbabilities(x);
        var own = logp.gather(1, y.unsqueeze(1)).squeeze(1);
        var other = logp.masked_fill(nn.functional.one_hot(y, logp.shape[1]).to(ScalarType.Bool), float.NegativeInfinity).max(1).values;
        return (other - own).MoveToOuterDisposeScope();
    }
}
