using Microsoft.ML;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Robustness;

/// <summary>What the mixing network's training loop hands its adversary: a radius factor per row, drawn from U(EpsilonLow, EpsilonHigh).</summary>
[TestClass]
public sealed class MixingTrainingAdversaryTests
{
    [TestMethod]
    public void EachRowGetsItsOwnRadiusFactor_InsideTheConfiguredRange()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var data = DataPacker.Pack(RobustnessFixture.MulticlassData(ml), PredictionTask.MulticlassClassification, "Features", "Label", null);
        var initial = RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, seed: 3);
        var settings = new MixingTrainingSettings(Epochs: 1, BatchSize: 50, LearningRate: 1e-2, WeightDecay: 1e-5, BceWeight: 1,
            CrossEntropyWeight: 0.5, GradientClipNorm: 10, EpsilonLow: 0.4, EpsilonHigh: 1.1, GammaClamp: null, NumberOfThreads: 1);
        var seen = new List<(long Rows, long[] Shape, float[] Factors)>();
        MixingNetworkTraining.Adversary capture = (composite, features, labels, radiusScale, generator) =>
        {
            seen.Add((features.shape[0], radiusScale.shape, radiusScale.data<float>().ToArray()));
            return features.clone();
        };

        MixingNetworkTraining.Train(initial, data, settings, capture, seed: 5);

        Assert.AreEqual(4, seen.Count, "200 rows in batches of 50");
        foreach (var (rows, shape, factors) in seen)
        {
            CollectionAssert.AreEqual(new[] { rows, 1L }, shape);
            Assert.IsTrue(factors.All(f => f >= 0.4f && f <= 1.1f), "every factor in [0.4, 1.1]");
            Assert.IsGreaterThan(0.1, factors.Max() - factors.Min(), "the factors differ within a batch (drawn per row, not per batch)");
        }
        var all = seen.SelectMany(s => s.Factors).ToArray();
        Assert.AreEqual(0.75, all.Average(), 0.05, "uniform on [0.4, 1.1] has mean 0.75");
    }

    [TestMethod]
    public void PgdAdversary_AttacksEachRowWithinItsOwnRadius()
    {
        var (standard, robust) = RobustnessFixture.Multiclass;
        using var composite = new AdaptiveSmoothingNetwork(RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, seed: 3));
        composite.Mixer!.eval();
        var attack = new PgdAttack.Options { Epsilon = 0.3, Iterations = 5 };
        using var features = tensor(RobustnessFixture.Points(40, seed: 7), [40, 4]);
        using var labels = tensor(Enumerable.Range(0, 40).Select(i => (long)(i % 3)).ToArray());
        using var scale = tensor(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? 0.4f : 1.1f).ToArray(), [40, 1]);
        using var generator = new TorchSharp.torch.Generator(11);

        using var attacked = AdaptiveSmoothingTrainer.PgdAdversary(attack)(composite, features, labels, scale, generator);
        using var delta = (attacked - features).abs().max(1).values;

        var norms = delta.data<float>().ToArray();
        Assert.IsLessThanOrEqualTo(0.12 + 1e-5, norms.Where((_, i) => i % 2 == 0).Max(), "factor 0.4: radius 0.12");
        Assert.IsGreaterThan(0.12 + 1e-3, norms.Where((_, i) => i % 2 == 1).Max(), "factor 1.1: radius 0.33 is used beyond 0.12");
        Assert.IsLessThanOrEqualTo(0.33 + 1e-5, norms.Max());
    }
}
