using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>README.md, "Saving and deploying": save through ONNX, load in a serving context, predict.</summary>
internal static class ReadmeSaving
{
    public static void Run(MLContext ml, ITransformer model, IDataView train, Customer customer)
    {
        ml.Model.SaveWithOnnx(model, train.Schema, "model.zip");          // = ConvertToOnnxBacked + mlContext.Model.Save

        // Serving app: Microsoft.ML, Microsoft.ML.OnnxTransformer, Microsoft.ML.OnnxRuntime and MLExtensions.Runtime; no libtorch.
        var serving = new MLContext();
        var loaded = MLExtensionsRuntime.LoadModel(serving, "model.zip", out var schema);   // registers the mappings, then Model.Load
        var engine = serving.Model.CreatePredictionEngine<Customer, ChurnPrediction>(loaded);
        Console.WriteLine($"README saving: reloaded model predicts P = {engine.Predict(customer).Probability:0.0000}");
    }
}
