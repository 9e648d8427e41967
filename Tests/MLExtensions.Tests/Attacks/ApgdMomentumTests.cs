using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>
/// APGD's momentum step (Croce and Hein 2020, eq. 2): x_{k+1} = P(x_k + α(z_{k+1} − x_k) + (1 − α)(x_k − x_{k−1})) with α = 0.75, where
/// z_{k+1} = P(x_k + η·sign ∇) is the plain step. Observed through the points the attack evaluates the model at.
/// </summary>
[TestClass]
public sealed class ApgdMomentumTests : OneTorchThreadTestBase
{
    /// <summary>Two classes; the logit of class 1 is a·x₁ − b·(x₂ − c)², so for label 0 the loss rises along +x₁ and, in x₂, towards c.
    /// Records every input it is evaluated at.</summary>
    private sealed class RecordingQuadraticClassifier(double a, double b, double c) : IDifferentiableClassifier
    {
        public List<float[]> Inputs { get; } = [];

        public int FeatureCount => 2;

        public int ClassCount => 2;

        public Tensor LogProbabilities(Tensor features)
        {
            Inputs.Add(features.detach().data<float>().ToArray());
            using var scope = NewDisposeScope();
            using var sa = torch.tensor(a);
            using var sb = torch.tensor(b);
            using var sc = torch.tensor(c);
            var x1 = features.select(1, 0);
            var x2 = features.select(1, 1);
            var shifted = x2.sub(sc);
            var logit = x1.mul(sa).sub(shifted.mul(shifted).mul(sb));
            var logits = torch.stack([torch.zeros_like(logit), logit], 1);
            return nn.functional.log_softmax(logits, 1).MoveToOuterDisposeScope();
        }

        public void Dispose() { }
    }

    [TestMethod]
    public void SecondStep_CarriesAQuarterOfThePreviousStep()
    {
        // ε = 0.2, η = 2ε. From x₀ = (0, 0): ∇ has signs (+, +), so x₁ = P((0.4, 0.4)) = (0.2, 0.2). At x₁ the x₂-gradient points back
        // (c = 0.1 < 0.2): z₂ = P((0.6, −0.2)) = (0.2, −0.2). With momentum x₂ = P(x₁ + 0.75(z₂ − x₁) + 0.25(x₁ − x₀)) = (0.2, −0.05)
        // (first coordinate 0.25 clipped to 0.2); without momentum it would be z₂ = (0.2, −0.2). The loss rose from x₀ to x₁, so the
        // checkpoint after the first iteration keeps η.
        const float epsilon = 0.2f;
        using var model = new RecordingQuadraticClassifier(a: 1, b: 1, c: 0.1);
        using var x = torch.zeros(1, 2);
        using var y = torch.tensor(new long[] { 0 });
        var attack = new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 2, RandomStart = false });

        using var _ = attack.Perturb(model, x, y);

        // The worst-case tracker reads the clean point first; then the gradients at x₀, x₁ and x₂.
        Assert.AreEqual(4, model.Inputs.Count, "the clean point, then x₀, x₁ and x₂");
        CollectionAssert.AreEqual(new[] { 0f, 0f }, model.Inputs[1]);
        Assert.AreEqual(0.2f, model.Inputs[2][0], 1e-6f);
        Assert.AreEqual(0.2f, model.Inputs[2][1], 1e-6f);
        Assert.AreEqual(0.2f, model.Inputs[3][0], 1e-6f);
        Assert.AreEqual(-0.25f * epsilon, model.Inputs[3][1], 1e-6f, "x₂'s second coordinate: 0.2 + 0.75·(−0.4) + 0.25·0.2");
    }
}
