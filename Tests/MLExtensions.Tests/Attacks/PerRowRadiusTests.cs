using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>Attacks with a radius of their own for each row (the mixing network's training adversary draws ε per row, as the paper does).</summary>
[TestClass]
public sealed class PerRowRadiusTests : OneTorchThreadTestBase
{
    private static readonly float[] Factors = [0.25f, 0.5f, 1f, 1.5f];

    private static LinearToyClassifier Toy() => new(new float[,] { { 1, -2, 0.5f, 0 }, { -1, 1, 1, 0.5f }, { 0.5f, 0.5f, -1, -1 } }, [0.1f, 0, -0.1f]);

    private static Tensor Scale(int rows) => tensor(Enumerable.Range(0, rows).Select(i => Factors[i % Factors.Length]).ToArray(), [rows, 1]);

    private static AdversarialAttack Attack(string kind, AttackNorm norm, double epsilon) => kind switch
    {
        "pgd" => new PgdAttack(new PgdAttack.Options { Epsilon = epsilon, Norm = norm, Iterations = 15 }),
        "apgd" => new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Norm = norm, Iterations = 15 }),
        _ => new FgsmAttack(new FgsmAttack.Options { Epsilon = epsilon, Norm = norm }),
    };

    /// <summary>Each row's norm, [n].</summary>
    private static float[] RowNorms(Tensor delta, AttackNorm norm)
    {
        using var scope = NewDisposeScope();
        var n = norm == AttackNorm.LInfinity ? delta.abs().max(1).values : delta.mul(delta).sum(1).sqrt();
        return n.data<float>().ToArray();
    }

    [TestMethod]
    [DataRow("pgd", AttackNorm.LInfinity)]
    [DataRow("pgd", AttackNorm.L2)]
    [DataRow("apgd", AttackNorm.LInfinity)]
    [DataRow("apgd", AttackNorm.L2)]
    [DataRow("fgsm", AttackNorm.LInfinity)]
    public void EachRow_StaysInsideItsOwnBall_AndUsesIt(string kind, AttackNorm norm)
    {
        const double epsilon = 0.3;
        using var model = Toy();
        var (x, y) = AttackTestData.Random(64, 4, 3, seed: 2);
        using var _ = x; using var __ = y;
        using var scale = Scale(64);
        using var generator = new Generator(5);

        using var adversarial = Attack(kind, norm, epsilon).PerturbWithRadii(model, x, y, generator, scale);
        using var delta = adversarial - x;

        var norms = RowNorms(delta, norm);
        for (int f = 0; f < Factors.Length; f++)
        {
            double radius = epsilon * Factors[f];
            var group = norms.Where((_, i) => i % Factors.Length == f).ToArray();
            Assert.IsLessThanOrEqualTo(radius + 1e-5, group.Max(), $"rows with factor {Factors[f]} must stay within {radius}");
            Assert.IsGreaterThan(0.8 * radius, group.Max(), $"rows with factor {Factors[f]} should use their budget {radius}");
        }
    }

    [TestMethod]
    [DataRow("pgd")]
    [DataRow("fgsm")]
    public void StepSize_ScalesWithTheRowsRadius(string kind)
    {
        // One signed step from the clean point: δ = step·factor·sign(g) (PGD's step is inside the ball; FGSM's step is the radius).
        using var model = Toy();
        var (x, y) = AttackTestData.Random(8, 4, 3, seed: 3);
        using var _ = x; using var __ = y;
        using var scale = Scale(8);
        AdversarialAttack attack = kind == "pgd"
            ? new PgdAttack(new PgdAttack.Options { Epsilon = 1, Iterations = 1, StepSize = 0.1, RandomStart = false })
            : new FgsmAttack(new FgsmAttack.Options { Epsilon = 0.1 });

        using var adversarial = attack.PerturbWithRadii(model, x, y, null, scale);
        using var delta = adversarial - x;

        var norms = RowNorms(delta, AttackNorm.LInfinity);
        for (int i = 0; i < 8; i++)
            Assert.AreEqual(0.1 * Factors[i % Factors.Length], norms[i], 1e-6, $"row {i}");
    }

    [TestMethod]
    [DataRow("pgd", AttackNorm.LInfinity)]
    [DataRow("pgd", AttackNorm.L2)]
    [DataRow("apgd", AttackNorm.LInfinity)]
    public void FactorsOfOne_GiveTheSameResultAsNoFactors(string kind, AttackNorm norm)
    {
        using var model = Toy();
        var (x, y) = AttackTestData.Random(32, 4, 3, seed: 4);
        using var _ = x; using var __ = y;
        using var ones = torch.ones(32, 1);
        var attack = Attack(kind, norm, 0.2);
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);

        using var plain = attack.Perturb(model, x, y, g1);
        using var scaled = attack.PerturbWithRadii(model, x, y, g2, ones);

        CollectionAssert.AreEqual(plain.data<float>().ToArray(), scaled.data<float>().ToArray());
    }

    [TestMethod]
    public void BadFactors_AreRejectedWithTheirProblem()
    {
        using var model = Toy();
        var (x, y) = AttackTestData.Random(4, 4, 3, seed: 5);
        using var _ = x; using var __ = y;
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.1, RandomStart = false });
        using var wrongShape = torch.ones(3);
        using var zero = tensor(new float[] { 1, 0, 1, 1 });
        using var nan = tensor(new float[] { 1, float.NaN, 1, 1 });

        var shape = Assert.ThrowsExactly<ArgumentException>(() => attack.PerturbWithRadii(model, x, y, null, wrongShape));
        StringAssert.Contains(shape.Message, "one factor per row");
        Assert.AreEqual("radiusScale", shape.ParamName);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => attack.PerturbWithRadii(model, x, y, null, zero)).Message, "> 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => attack.PerturbWithRadii(model, x, y, null, nan)).Message, "> 0");
    }
}
