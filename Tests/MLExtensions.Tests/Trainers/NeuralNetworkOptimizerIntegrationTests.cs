using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

/// <summary>Every registered optimizer plugs into the trainers through its spec and trains a small network.</summary>
[TestClass]
public sealed class NeuralNetworkOptimizerIntegrationTests
{
    public static IEnumerable<object[]> OptimizerNames => OptimizerRegistry.Names.Order().Select(n => new object[] { n });

    [TestMethod, DynamicData(nameof(OptimizerNames))]
    public void Fit_EachRegisteredOptimizerWithDefaults_Learns(string name)
    {
        var ml = new MLContext(1);
        var options = new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [16], Epochs = 25, BatchSize = 32, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null, Optimizer = OptimizerRegistry.CreateDefault(name),
        };
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(400, 1)));
        var auc = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Binary(300, 2)))).AreaUnderRocCurve;
        Assert.IsTrue(auc > 0.8, $"{name}: AUC {auc}");
        Assert.IsTrue(model.Model.History[^1].TrainingLoss < model.Model.History[0].TrainingLoss, $"{name}: loss did not decrease");
    }
}
