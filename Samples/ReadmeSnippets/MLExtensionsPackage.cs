using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>Extensions/MLExtensions/PACKAGE.md: a network on two numeric columns, saved through ONNX.</summary>
internal static class MLExtensionsPackage
{
    public static void Run(IDataView train)
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Concatenate("Features", "Age", "Income")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
            {
                HiddenLayerSizes = [32, 16],
                Optimizer = new AdamWSpec(LearningRate: 1e-3),
                LearningRateSchedule = new CosineSchedule(),
                Seed = 1,
            }));
        var model = pipeline.Fit(train);
        ml.Model.SaveWithOnnx(model, train.Schema, "model.zip");   // reload with MLExtensionsRuntime.LoadModel, no TorchSharp needed
        Console.WriteLine($"MLExtensions package: saved {new FileInfo("model.zip").Length} bytes");
    }
}
