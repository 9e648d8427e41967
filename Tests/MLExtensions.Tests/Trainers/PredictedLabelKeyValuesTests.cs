using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// ML.NET's usual multiclass pipeline, <c>MapValueToKey("Label")</c> → trainer → <c>MapKeyToValue("PredictedLabel")</c>, fits as one
/// estimator chain: the chain checks the whole pipeline's output shape before it fits, so every multiclass trainer must declare
/// that its <c>PredictedLabel</c> carries the label's key values (it failed with "doesn't contain key values metadata").
/// </summary>
[TestClass]
public sealed class PredictedLabelKeyValuesTests
{
    public sealed class NumericLabelRow
    {
        [VectorType(SyntheticData.FeatureCount)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public static IEnumerable<object[]> Trainers =>
        new[] { "NeuralNetwork", "GradientBoostedNeuralNetwork", "AdaptiveSmoothing" }.Select(t => new object[] { t });

    private static IEstimator<ITransformer> Trainer(MLContext ml, string name) => name switch
    {
        "NeuralNetwork" => ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options
        {
            HiddenLayerSizes = [8], Epochs = 3, Seed = 1, NumberOfThreads = 1,
        }),
        "GradientBoostedNeuralNetwork" => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(
            new GradientBoostedNeuralNetworkMulticlassTrainer.Options { Seed = 1 }),
        _ => ml.MulticlassClassification.Trainers.AdaptiveSmoothing(new AdaptiveSmoothingTrainer.Options
        {
            StandardTrainer = new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [8], Epochs = 2, Seed = 1, NumberOfThreads = 1 },
            RobustTrainer = new NeuralNetworkMulticlassTrainer.Options { HiddenLayerSizes = [6], Epochs = 2, Seed = 2, NumberOfThreads = 1 },
            Epochs = 1, Seed = 1, NumberOfThreads = 1,
        }),
    };

    [TestMethod]
    [DynamicData(nameof(Trainers))]
    public void Fit_ChainEndingInMapKeyToValue_PredictsTheLabelsTextValues(string trainer)
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(200, 3));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Append(Trainer(ml, trainer));
        var pipeline = keyed.Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var model = pipeline.Fit(data);
        var scored = model.Transform(data);
        Assert.AreEqual(TextDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var predicted = scored.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(v => v.ToString()).ToArray();

        // The same keys as the chain without the last step, mapped through the label's own key values.
        var keys = keyed.Fit(data).Transform(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        keys.Schema["Label"].GetKeyValues(ref names);
        var expected = keys.GetColumn<uint>("PredictedLabel").Select(k => names.GetValues()[(int)k - 1].ToString()).ToArray();
        CollectionAssert.AreEqual(expected, predicted);
        CollectionAssert.IsSubsetOf(predicted.Distinct().ToArray(), new[] { "high", "low", "mid" });
    }

    [TestMethod]
    public void Fit_NumericLabelKeys_MapBackToTheirNumbers()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Multiclass(200, 3)
            .Select(r => new NumericLabelRow { Features = r.Features, Label = r.Label == "high" ? 2.5f : r.Label == "mid" ? 7f : -1f }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(Trainer(ml, "NeuralNetwork"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var scored = pipeline.Fit(data).Transform(data);

        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["PredictedLabel"].Type);
        CollectionAssert.IsSubsetOf(scored.GetColumn<float>("PredictedLabel").Distinct().ToArray(), new[] { 2.5f, 7f, -1f });
    }
}
