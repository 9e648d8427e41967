using MLExtensions.Tests.Attacks;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Robustness;

/// <summary>The faithful tests of ALGORITHMS.md C.6 on the mixture itself (tensor level).</summary>
[TestClass]
public sealed class AdaptiveSmoothingMixtureTests : OneTorchThreadTestBase
{
    private const int Rows = 64;

    private static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    private static float[] BaseLogProbabilities(NeuralNetworkModelParameters model, Tensor x)
    {
        using var network = model.CreateNetwork();
        using var noGrad = no_grad();
        using var logits = network.forward(x);
        using var logProbabilities = MixtureMath.LogProbabilities(logits, model.Task, 1.0);
        return Values(logProbabilities);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ConstantAlpha0And1_ReproduceTheBaseModelsExactly(bool multiclass)
    {
        var (standard, robust) = multiclass ? RobustnessFixture.Multiclass : RobustnessFixture.Binary;
        using var scope = NewDisposeScope();
        var x = tensor(RobustnessFixture.Points(Rows, 5), new long[] { Rows, 4 });
        using var noGrad = no_grad();
        foreach (var (alpha, expectedModel) in new[] { (0.0, standard.Model), (1.0, robust.Model) })
        {
            using var composite = new AdaptiveSmoothingNetwork(RobustnessFixture.Constant(standard.Model, robust.Model, alpha));
            var (mixture, _) = composite.Forward(x, scaleAlpha: true);
            // Bit for bit: log(1 − 0) = 0 and log 0 = −∞ drop the other model out of the log-sum-exp exactly.
            CollectionAssert.AreEqual(BaseLogProbabilities(expectedModel, x), Values(mixture), $"alpha {alpha}");
        }
        // The two models differ, so an alpha in between is neither of them.
        using var half = new AdaptiveSmoothingNetwork(RobustnessFixture.Constant(standard.Model, robust.Model, 0.5));
        CollectionAssert.AreNotEqual(BaseLogProbabilities(standard.Model, x), Values(half.Forward(x, true).LogProbabilities));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Mixture_IsAValidDistribution_WithMixingNetworkAndConstantAlpha(bool multiclass)
    {
        var (standard, robust) = multiclass ? RobustnessFixture.Multiclass : RobustnessFixture.Binary;
        using var scope = NewDisposeScope();
        var x = tensor(RobustnessFixture.Points(Rows, 6), new long[] { Rows, 4 }).mul(tensor(3f));
        using var noGrad = no_grad();
        foreach (var model in new[]
                 {
                     RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 1),
                     RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 2, alphaScale: 0.75, alphaBias: 0.2),
                     RobustnessFixture.Constant(standard.Model, robust.Model, 0.3),
                 })
        {
            using var composite = new AdaptiveSmoothingNetwork(model);
            var (mixture, _) = composite.Forward(x, scaleAlpha: true);
            var sums = Values(mixture.exp().sum(1));
            foreach (float s in sums) Assert.AreEqual(1.0, s, 1e-5);
            Assert.IsTrue(Values(mixture).All(v => v <= 1e-6f && float.IsFinite(v)));
            Assert.AreEqual(model.ClassCount, (int)mixture.shape[1]);
        }
    }

    [TestMethod]
    public void Argmax_IsUnchanged_WhereBothModelsAgree()
    {
        var (standard, robust) = RobustnessFixture.Multiclass;
        using var scope = NewDisposeScope();
        const int rows = 400;
        var x = tensor(RobustnessFixture.Points(rows, 7), new long[] { rows, 4 }).mul(tensor(2f));
        using var noGrad = no_grad();
        var a = tensor(BaseLogProbabilities(standard.Model, x), new long[] { rows, 3 }).argmax(1);
        var b = tensor(BaseLogProbabilities(robust.Model, x), new long[] { rows, 3 }).argmax(1);
        var agree = a.eq(b);
        int agreeing = (int)agree.sum().item<long>();
        Assert.IsTrue(agreeing > 50 && agreeing < rows, $"{agreeing} rows agree: the test needs both agreeing and disagreeing rows");
        var disagreeingChanged = false;
        foreach (var model in new[]
                 {
                     RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 3, gammaScale: 8),
                     RobustnessFixture.Constant(standard.Model, robust.Model, 0.5),
                     RobustnessFixture.Constant(standard.Model, robust.Model, 0.9),
                 })
        {
            using var composite = new AdaptiveSmoothingNetwork(model);
            var mixed = composite.Forward(x, true).LogProbabilities.argmax(1);
            Assert.IsTrue(mixed.eq(a).logical_or(agree.logical_not()).all().item<bool>(), "argmax changed on a row where both models agree");
            disagreeingChanged |= mixed.ne(a).any().item<bool>();
        }
        Assert.IsTrue(disagreeingChanged, "on disagreeing rows the mixture should sometimes follow the robust model");
    }

    [TestMethod]
    public void InputGradient_FlowsThroughAlpha()
    {
        var (standard, robust) = RobustnessFixture.Multiclass;
        using var scope = NewDisposeScope();
        using var composite = new AdaptiveSmoothingNetwork(RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 4));
        var x = tensor(RobustnessFixture.Points(Rows, 8), new long[] { Rows, 4 }).requires_grad_(true);

        // dα/dx is non-zero: the mixing network sees the base models' features without a detach.
        var (_, gamma) = composite.Forward(x, scaleAlpha: true);
        Assert.IsTrue(gamma.requires_grad, "alpha is detached from the input features");
        // backward rather than autograd.grad: with the features detached, x is not in alpha's graph, and autograd.grad would
        // throw a native error instead of failing this assertion; backward then simply leaves x.grad unset.
        gamma.sum().backward();
        Assert.IsNotNull(x.grad, "no gradient reaches the input through alpha (the mixing network's features are detached)");
        Assert.IsTrue(x.grad.abs().max().item<float>() > 1e-6f, "no gradient reaches the input through alpha");

        // The full gradient of the loss differs from the one with alpha held fixed at its value: the alpha path contributes.
        var labels = zeros(Rows, dtype: ScalarType.Int64);
        var (mixture, gamma2) = composite.Forward(x, scaleAlpha: true);
        var full = autograd.grad([nn.functional.nll_loss(mixture, labels)], [x])[0];
        var (logAlpha, logOneMinus) = MixtureMath.LogWeights(gamma2.detach(), 1, 0);
        using var s = new AdaptiveSmoothingNetwork(RobustnessFixture.Constant(standard.Model, robust.Model, 0.0));
        using var r = new AdaptiveSmoothingNetwork(RobustnessFixture.Constant(standard.Model, robust.Model, 1.0));
        var fixedAlpha = MixtureMath.Mix(s.Forward(x, true).LogProbabilities, r.Forward(x, true).LogProbabilities, logAlpha, logOneMinus);
        var partial = autograd.grad([nn.functional.nll_loss(fixedAlpha, labels)], [x])[0];
        Assert.IsTrue(full.sub(partial).abs().max().item<float>() > 1e-6f, "the gradient through alpha is missing");
        Assert.IsTrue(Values(full).All(float.IsFinite));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ExtremeLogits_GiveNoNaNOrInfinity_InValuesAndGradients(bool multiclass)
    {
        var (standard, robust) = multiclass ? RobustnessFixture.Multiclass : RobustnessFixture.Binary;
        var model = RobustnessFixture.WithRandomMixer(Scaled(standard.Model, 1e4f), Scaled(robust.Model, -1e4f), 5);
        using var scope = NewDisposeScope();
        using var composite = new AdaptiveSmoothingNetwork(model);
        var x = tensor(RobustnessFixture.Points(Rows, 9), new long[] { Rows, 4 }).mul(tensor(5f)).requires_grad_(true);
        var (mixture, _) = composite.Forward(x, scaleAlpha: true);
        using (no_grad())
        {
            using var logits = Scaled(standard.Model, 1e4f).CreateNetwork().forward(x);
            Assert.IsTrue(logits.abs().max().item<float>() > 1e3f, "the logits must be extreme for this test");
        }
        Assert.IsTrue(Values(mixture).All(float.IsFinite), "mixture not finite");
        var gradient = autograd.grad([mixture.select(1, 0).sum()], [x])[0];
        Assert.IsTrue(Values(gradient).All(float.IsFinite), "gradient not finite");
        // A naive log of summed softmaxes underflows here (the pitfall of ALGORITHMS.md C.4).
        using (no_grad())
        {
            var naive = composite.Forward(x, true).LogProbabilities.exp().log();
            Assert.IsFalse(Values(naive).All(float.IsFinite), "the naive form should underflow on these logits");
        }
    }

    [TestMethod]
    public void Certificate_RobustMarginAboveThreshold_KeepsTheRobustPrediction()
    {
        // ALGORITHMS.md C.1: with α ≥ 1/2 and the robust model's margin p_y − max_{i≠y} p_i > (1 − α)/α, the mixture predicts y
        // whatever the standard model says. Check it against the worst standard model (all mass on the robust runner-up) and show
        // the bound is tight: just below it, that standard model flips the prediction.
        var random = new Random(12);
        const int classes = 4;
        int certified = 0, flipped = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            double alpha = 0.5 + 0.5 * random.NextDouble();
            double threshold = (1 - alpha) / alpha;
            double margin = Math.Min(0.999, threshold * (trial % 2 == 0 ? 1.02 : 0.98));
            // Robust probabilities: y = 0 leads by the margin over the runner-up 1; the rest share what is left.
            double rest = 1 - margin;
            double p1 = rest / 2;
            double[] robustP = [p1 + margin, p1, 0, 0];
            double[] standardP = [0, 1, 0, 0];   // the adversarial standard model
            using var scope = NewDisposeScope();
            var logRobust = tensor(robustP.Select(p => (float)Math.Log(Math.Max(p, 1e-30))).ToArray(), new long[] { 1, classes });
            var logStandard = tensor(standardP.Select(p => (float)Math.Log(Math.Max(p, 1e-30))).ToArray(), new long[] { 1, classes });
            var (logAlpha, logOneMinus) = MixtureMath.ConstantLogWeights(1, alpha, CPU);
            long predicted = MixtureMath.Mix(logStandard, logRobust, logAlpha, logOneMinus).argmax(1).item<long>();
            if (margin > threshold) { Assert.AreEqual(0L, predicted, $"certified case flipped: alpha {alpha}, margin {margin}"); certified++; }
            else if (predicted != 0) flipped++;
        }
        Assert.AreEqual(100, certified);
        Assert.AreEqual(100, flipped, "below the margin threshold the worst standard model should flip every prediction");
    }

    /// <summary>The model with its output layer scaled, so its logits reach the size given.</summary>
    private static NeuralNetworkModelParameters Scaled(NeuralNetworkModelParameters model, float factor) =>
        new(model.Task, model.Architecture,
            model.Weights.Select(w => w.Name.StartsWith("output.", StringComparison.Ordinal)
                ? new NamedTensorData(w.Name, w.Shape, w.Values.Select(v => v * factor).ToArray()) : w).ToList(),
            model.History, model.BestEpoch, model.Seed, model.DeviceName, model.ClassNames);
}
