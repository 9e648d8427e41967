using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// A trainer made from a catalog with <c>Seed</c> unset takes its seed from the <see cref="MLContext"/>, as ML.NET's own trainers do:
/// <c>new MLContext(seed: 1)</c> reproduces a script's models, another context seed changes them, and an explicit <c>Seed</c> wins.
/// </summary>
[TestClass]
public sealed class ContextSeedTests
{
    /// <summary>Every catalog entry with options whose seeds are unset; returns the seeds the fitted model reports.</summary>
    private static int[] FitSeeds(MLContext ml, string kind)
    {
        switch (kind)
        {
            case "binary":
                return [ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [4], epochs: 1)
                    .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1))).Model.Seed];
            case "multiclass":
                return [ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [4], Epochs = 1 })
                    .Fit(SyntheticData.MulticlassView(ml, 60, 1)).Model.Seed];
            case "regression":
                return [ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { HiddenLayerSizes = [4], Epochs = 1 })
                    .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(60, 1))).Model.Seed];
            case "gbnn":
                return [ml.Regression.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: 4)
                    .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(60, 1))).Model.Seed];
            default:
                var options = new AdaptiveSmoothingTrainer.Options
                {
                    StandardTrainer = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [4], Epochs = 1 },
                    RobustTrainer = new NeuralNetworkBinaryTrainer.Options { HiddenLayerSizes = [4], Epochs = 1 },
                    Epochs = 1,
                };
                var composite = ml.BinaryClassification.Trainers.AdaptiveSmoothing(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1)));
                Assert.IsNull(options.Seed, "the caller's options are not edited");
                Assert.IsNull(options.StandardTrainer.Seed, "the caller's base-model options are not edited");
                return [composite.Model.Seed, composite.Model.StandardModel.Seed, composite.Model.RobustModel.Seed];
        }
    }

    public static IEnumerable<object[]> Kinds => new[] { "binary", "multiclass", "regression", "gbnn", "adaptive" }.Select(k => new object[] { k });

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void Fit_SeedUnset_FollowsTheContextSeed(string kind)
    {
        var first = FitSeeds(new MLContext(seed: 1), kind);
        var again = FitSeeds(new MLContext(seed: 1), kind);
        var other = FitSeeds(new MLContext(seed: 2), kind);

        CollectionAssert.AreEqual(first, again, "the same context seed gives the same model seeds");
        CollectionAssert.AreNotEqual(first, other, "another context seed gives other model seeds");
        Assert.HasCount(first.Length, first.Distinct().ToArray(), "the composite and its base models draw different seeds");
    }

    [TestMethod]
    public void Fit_SeedUnset_SameContextSeedGivesTheSameModel()
    {
        float[] Probabilities()
        {
            var ml = new MLContext(seed: 7);
            var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(120, 3));
            var model = ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [6], epochs: 3).Fit(data);
            return model.Transform(data).GetColumn<float>("Probability").ToArray();
        }

        CollectionAssert.AreEqual(Probabilities(), Probabilities());
    }

    [TestMethod]
    public void Fit_ExplicitSeed_IsKept()
    {
        var ml = new MLContext(seed: 1);
        var model = ml.BinaryClassification.Trainers.NeuralNetwork(hiddenLayerSizes: [4], epochs: 1, seed: 42)
            .Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 1)));
        Assert.AreEqual(42, model.Model.Seed);
    }

    [TestMethod]
    public void Fit_ContextWithoutSeed_DrawsDifferentSeeds()
    {
        var seeds = Enumerable.Range(0, 3).Select(_ => FitSeeds(new MLContext(), "binary")[0]).ToArray();
        Assert.IsTrue(seeds.Distinct().Count() > 1, "contexts without a seed are not reproducible, as in ML.NET");
    }
}
