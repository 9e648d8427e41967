using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>README.md, the opening example: a neural network on churn, evaluated.</summary>
internal static class ReadmeQuickStart
{
    public static Microsoft.ML.Data.TransformerChain<NeuralNetworkPredictionTransformer> Run(IDataView train, IDataView test, string[] numericColumns)
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Concatenate("Features", numericColumns)
            .Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false))   // centre and scale
            .Append(ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
            {
                HiddenLayerSizes = [64, 32],
                Optimizer = new AdamWSpec(LearningRate: 1e-3),
                LearningRateSchedule = new WarmupSchedule(new CosineSchedule()),
                Seed = 1,
            }, progress: ml.CreateTrainingLog()));
        var model = pipeline.Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        Console.WriteLine($"README quick start: test AUC {metrics.AreaUnderRocCurve:0.0000}");
        return model;
    }
}
