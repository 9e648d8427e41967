using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>Example weights on the neural and GBNN trainers (issue #9): a weight of 0 is the same as dropping the row, and the catalogs'
/// simple overloads pass <c>exampleWeightColumnName</c> through.</summary>
[TestClass]
public sealed class ExampleWeightTests
{
    private sealed class WeightedRegressionRow
    {
        [VectorType(SyntheticData.FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public float Weight { get; set; } = 1;
    }

    /// <summary>Every second row weighted 0 (the whole set) and the same rows dropped (the other set).</summary>
    private static (List<SyntheticData.BinaryRow> Weighted, List<SyntheticData.BinaryRow> Kept) HalfZeroBinary(int rows)
    {
        var all = SyntheticData.Binary(rows, 4);
        for (int i = 0; i < all.Count; i += 2) all[i].Weight = 0;
        return (all, all.Where(r => r.Weight > 0).ToList());
    }

    [TestMethod]
    public void NeuralFit_ZeroWeightOnHalfTheRows_EqualsDroppingThoseRows()
    {
        var ml = new MLContext(1);
        var (weighted, kept) = HalfZeroBinary(120);
        // One batch holding every row and no dropout: the batch loss Σ w·loss / Σ w is then the same function in both fits.
        NeuralNetworkBinaryTrainer.Options Options(string? weight) => new()
        {
            HiddenLayerSizes = [6], Epochs = 5, BatchSize = 1000, Dropout = 0, Seed = 2, ValidationFraction = 0, EarlyStoppingPatience = null,
            ExampleWeightColumnName = weight, Optimizer = new AdamWSpec(LearningRate: 0.05),
        };
        using var withWeights = ml.BinaryClassification.Trainers.NeuralNetwork(Options("Weight")).Fit(ml.Data.LoadFromEnumerable(weighted));
        using var dropped = ml.BinaryClassification.Trainers.NeuralNetwork(Options(null)).Fit(ml.Data.LoadFromEnumerable(kept));
        using var unweighted = ml.BinaryClassification.Trainers.NeuralNetwork(Options(null)).Fit(ml.Data.LoadFromEnumerable(weighted));

        var a = withWeights.Model.GetWeight("output.weight").Values;
        var b = dropped.Model.GetWeight("output.weight").Values;
        var c = unweighted.Model.GetWeight("output.weight").Values;
        for (int i = 0; i < a.Length; i++) Assert.AreEqual(b[i], a[i], 1e-4, $"output.weight[{i}]");
        Assert.IsTrue(a.Where((v, i) => Math.Abs(v - c[i]) > 1e-3).Any(), "the weights changed nothing");
    }

    [TestMethod]
    public void GbnnFit_ZeroWeightOnHalfTheRows_EqualsDroppingThoseRows_Binary()
    {
        var ml = new MLContext(1);
        var (weighted, kept) = HalfZeroBinary(120);
        GradientBoostedNeuralNetworkBinaryTrainer.Options Options(string? weight) => new()
        {
            TotalHiddenUnits = 6, UnitsPerStep = 1, MaxIterations = 30, Subsample = 1, Seed = 2, ValidationFraction = 0, EarlyStoppingPatience = null,
            ExampleWeightColumnName = weight,
        };
        using var withWeights = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Options("Weight")).Fit(ml.Data.LoadFromEnumerable(weighted));
        using var dropped = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Options(null)).Fit(ml.Data.LoadFromEnumerable(kept));
        using var unweighted = ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Options(null)).Fit(ml.Data.LoadFromEnumerable(weighted));

        AssertSameSteps(dropped.Model, withWeights.Model);
        Assert.AreNotEqual(unweighted.Model.Steps[0].Rho, withWeights.Model.Steps[0].Rho, "the weights changed nothing");
    }

    [TestMethod]
    public void GbnnFit_ZeroWeightOnHalfTheRows_EqualsDroppingThoseRows_StandardizedRegression()
    {
        var ml = new MLContext(1);
        var all = SyntheticData.Regression(120, 4).Select((r, i) => new WeightedRegressionRow { Features = r.Features, Label = r.Label, Weight = i % 2 }).ToList();
        var kept = all.Where(r => r.Weight > 0).ToList();
        GradientBoostedNeuralNetworkRegressionTrainer.Options Options(string? weight) => new()
        {
            TotalHiddenUnits = 6, UnitsPerStep = 1, MaxIterations = 30, Subsample = 1, Seed = 2, ValidationFraction = 0, EarlyStoppingPatience = null,
            ExampleWeightColumnName = weight,
        };
        using var withWeights = ml.Regression.Trainers.GradientBoostedNeuralNetwork(Options("Weight")).Fit(ml.Data.LoadFromEnumerable(all));
        using var dropped = ml.Regression.Trainers.GradientBoostedNeuralNetwork(Options(null)).Fit(ml.Data.LoadFromEnumerable(kept));

        Assert.AreEqual(dropped.Model.InitialScore[0], withWeights.Model.InitialScore[0], 1e-9);
        AssertSameSteps(dropped.Model, withWeights.Model);
    }

    private static void AssertSameSteps(GradientBoostedNeuralNetworkModelParameters expected, GradientBoostedNeuralNetworkModelParameters actual)
    {
        Assert.AreEqual(expected.Steps.Count, actual.Steps.Count);
        for (int t = 0; t < expected.Steps.Count; t++)
        {
            Assert.AreEqual(expected.Steps[t].Rho, actual.Steps[t].Rho, 1e-6, $"step {t}: rho");
            Assert.AreEqual(expected.Steps[t].TrainingLoss, actual.Steps[t].TrainingLoss, 1e-6, $"step {t}: training loss");
            for (int i = 0; i < expected.Steps[t].OutputWeights.Count; i++)
                Assert.AreEqual(expected.Steps[t].OutputWeights[i], actual.Steps[t].OutputWeights[i], 1e-6, $"step {t}: output weight {i}");
        }
    }

    [TestMethod]
    public void SimpleOverloads_ExampleWeightColumnName_ReachesTheTrainer()
    {
        // Every weight 0 is rejected naming the column: proof that each simple overload passed the column on.
        var ml = new MLContext(1);
        var binary = ml.Data.LoadFromEnumerable(SyntheticData.Binary(40, 1).Select(r => { r.Weight = 0; return r; }).ToList());
        var regression = ml.Data.LoadFromEnumerable(SyntheticData.Regression(40, 1)
            .Select(r => new WeightedRegressionRow { Features = r.Features, Label = r.Label, Weight = 0 }).ToList());
        var multiclassRows = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(40, 1)
            .Select(r => new WeightedMulticlassRow { Features = r.Features, Label = r.Label, Weight = 0 }).ToList());
        var multiclass = ml.Transforms.Conversion.MapValueToKey("Label").Fit(multiclassRows).Transform(multiclassRows);
        var fits = new (string Name, Action Fit)[]
        {
            ("binary NN", () => ml.BinaryClassification.Trainers.NeuralNetwork(exampleWeightColumnName: "Weight", epochs: 1).Fit(binary)),
            ("binary GBNN", () => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(exampleWeightColumnName: "Weight").Fit(binary)),
            ("regression NN", () => ml.Regression.Trainers.NeuralNetwork(exampleWeightColumnName: "Weight", epochs: 1).Fit(regression)),
            ("regression GBNN", () => ml.Regression.Trainers.GradientBoostedNeuralNetwork(exampleWeightColumnName: "Weight").Fit(regression)),
            ("multiclass NN", () => ml.MulticlassClassification.Trainers.NeuralNetwork(exampleWeightColumnName: "Weight", epochs: 1).Fit(multiclass)),
            ("multiclass GBNN", () => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(exampleWeightColumnName: "Weight").Fit(multiclass)),
        };
        foreach (var (name, fit) in fits)
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(fit, name);
            StringAssert.Contains(ex.Message, "Weight column 'Weight' is 0 on every row", name);
        }
    }

    private sealed class WeightedMulticlassRow
    {
        [VectorType(SyntheticData.FeatureCount)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
        public float Weight { get; set; }
    }
}
