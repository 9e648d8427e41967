using Microsoft.ML;
using MLExtensions;

namespace ReadmeSnippets;

/// <summary>Extensions/MLExtensions.Runtime/PACKAGE.md: load a saved model in a serving app and predict.</summary>
internal static class RuntimePackage
{
    public static void Run(Customer customer)
    {
        var ml = new MLContext();
        var model = MLExtensionsRuntime.LoadModel(ml, "model.zip", out var inputSchema);   // checks the file, registers the mappings
        var engine = ml.Model.CreatePredictionEngine<Customer, ChurnPrediction>(model);
        Console.WriteLine($"Runtime package: P = {engine.Predict(customer).Probability:0.0000}; input columns {string.Join(", ", inputSchema.Select(c => c.Name))}");
    }
}
