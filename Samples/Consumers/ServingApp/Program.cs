// A user's serving app on the packages: load the model TrainingApp saved and score it with no TorchSharp at all.
// Usage: ServingApp <folder with model.zip and expected.csv>. Exits 1 on any failed check.
using System.Globalization;
using Consumers;
using Microsoft.ML;
using MLExtensions;

string folder = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "mlextensions-consumer");
var ml = new MLContext();
var model = MLExtensionsRuntime.LoadModel(ml, Path.Combine(folder, "model.zip"), out _);
var engine = ml.Model.CreatePredictionEngine<Customer, ChurnPrediction>(model);
float[] expected = File.ReadLines(Path.Combine(folder, "expected.csv")).Skip(1)
    .Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var customers = Customer.Generate(50, seed: 3);
Check(expected.Length == customers.Count, $"expected.csv has {expected.Length} rows, not {customers.Count}");
for (int i = 0; i < customers.Count; i++)
{
    float probability = engine.Predict(customers[i]).Probability;
    Check(Math.Abs(probability - expected[i]) <= 1e-6, $"row {i}: served {probability}, TrainingApp's reload gave {expected[i]}");
}
// Batch scoring through Transform as well.
int scored = ml.Data.CreateEnumerable<ChurnPrediction>(model.Transform(ml.Data.LoadFromEnumerable(customers)), reuseRowObject: false).Count();
Check(scored == customers.Count, $"Transform scored {scored} rows");

var torchAssemblies = AppDomain.CurrentDomain.GetAssemblies()
    .Select(a => a.GetName().Name ?? "")
    .Where(n => n.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase) || n.Equals("MLExtensions", StringComparison.Ordinal))
    .ToList();
Check(torchAssemblies.Count == 0, $"assemblies that a serving app must not load were loaded: {string.Join(", ", torchAssemblies)}");
var torchNative = NativeLibraries.Mapped("torch");
Check(torchNative.Count == 0, $"LibTorch was mapped: {string.Join(", ", torchNative)}");
Console.WriteLine($"served {customers.Count} rows equal to the training app's reload (1e-6); " +
    $"{AppDomain.CurrentDomain.GetAssemblies().Length} assemblies loaded, none of TorchSharp, no libtorch mapped");
Console.WriteLine("ServingApp: OK");

static void Check(bool condition, string message)
{
    if (condition) return;
    Console.Error.WriteLine($"ServingApp FAILED: {message}");
    Environment.Exit(1);
}
