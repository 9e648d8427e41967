using Consumers;
using Microsoft.ML;
using MLExtensions;

namespace TrainingApp.Tests;

[TestClass]
public sealed class TrainingTests
{
    [TestMethod]
    public void NeuralNetwork_FromThePackage_TrainsAndSavesThroughOnnx()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Customer.Generate(1_000, seed: 1));
        var model = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [8], Epochs = 20, Seed = 1, NumberOfThreads = 1,
        }).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(train));
        Assert.IsGreaterThan(0.85, metrics.AreaUnderRocCurve);

        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(model, train.Schema, stream);
        stream.Position = 0;
        var reloaded = MLExtensionsRuntime.LoadModel(new MLContext(), stream, "saved test model", out _);
        Assert.IsNotNull(reloaded);
    }
}
