using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class FgsmAttackTests : OneTorchThreadTestBase
{
    [TestMethod]
    public void LinearBinaryModel_StepsEpsilonAgainstTheWeightSign()
    {
        using var model = new LinearToyClassifier(new float[,] { { 0, 0, 0 }, { 1, -2, 0.5f } }, [0, 0]);
        using var x = tensor(new float[] { 0.3f, -0.2f, 0.1f, 0.3f, -0.2f, 0.1f }, [2, 3]);
        using var y = tensor(new long[] { 1, 0 });

        using var adversarial = new FgsmAttack(new FgsmAttack.Options { Epsilon = 0.1 }).Perturb(model, x, y);

        CollectionAssert.AreEqual(new[] { 0.2f, -0.1f, 0.0f, 0.4f, -0.3f, 0.2f }, adversarial.data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
    }

    [TestMethod]
    public void L2_StepHasLengthEpsilon_AndRespectsTheBox()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        using var model = transformer.CreateDifferentiableClassifier();

        using var adversarial = new FgsmAttack(new FgsmAttack.Options { Epsilon = 0.25, Norm = AttackNorm.L2, InputBox = InputBox.Uniform(-1, 1) }).Perturb(model, x, y);
        using var delta = adversarial - x;

        Assert.IsLessThanOrEqualTo(0.25 + 1e-5, AttackTestData.MaxNorm(delta, AttackNorm.L2));
        Assert.IsGreaterThanOrEqualTo(-1f, adversarial.min().item<float>());
        Assert.IsLessThanOrEqualTo(1f, adversarial.max().item<float>());
        Assert.IsLessThan(AttackTestData.Accuracy(model, x, y), AttackTestData.Accuracy(model, adversarial, y));
    }
}
