// A user's training app on the packages: train a neural network, save it through ONNX, reload it, predict.
// Usage: TrainingApp <output folder>  (writes model.zip and expected.csv there for ServingApp). Exits 1 on any failed check.
using System.Globalization;
using Consumers;
using Microsoft.ML;
using MLExtensions;

string output = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "mlextensions-consumer");
Directory.CreateDirectory(output);

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(Customer.Generate(2_000, seed: 1));
var test = ml.Data.LoadFromEnumerable(Customer.Generate(500, seed: 2));
var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
{
    HiddenLayerSizes = [16, 16],
    Optimizer = new AdamWSpec(LearningRate: 1e-2),
    LearningRateSchedule = new CosineSchedule(),
    Epochs = 40,
    Seed = 1,
    NumberOfThreads = 1,
});
var model = trainer.Fit(train);
var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
Console.WriteLine($"trained: test AUC {metrics.AreaUnderRocCurve:F4}, accuracy {metrics.Accuracy:F4}");
foreach (string library in NativeLibraries.Mapped("libtorch_cpu").Concat(NativeLibraries.Mapped("LibTorchSharp")))
    Console.WriteLine($"loaded {library}");
Check(metrics.AreaUnderRocCurve > 0.9, $"test AUC {metrics.AreaUnderRocCurve} should exceed 0.9");

string modelPath = Path.Combine(output, "model.zip");
ml.Model.SaveWithOnnx(model, train.Schema, modelPath);
var serving = new MLContext();
var reloaded = MLExtensionsRuntime.LoadModel(serving, modelPath, out _);
var trained = ml.Model.CreatePredictionEngine<Customer, ChurnPrediction>(model);
var served = serving.Model.CreatePredictionEngine<Customer, ChurnPrediction>(reloaded);
var lines = new List<string> { "probability" };
foreach (var customer in Customer.Generate(50, seed: 3))
{
    var a = trained.Predict(customer);
    var b = served.Predict(customer);
    Check(Math.Abs(a.Probability - b.Probability) <= 1e-5 && a.PredictedLabel == b.PredictedLabel,
        $"reloaded model predicts {b.Probability} where the trained one predicts {a.Probability}");
    lines.Add(b.Probability.ToString("R", CultureInfo.InvariantCulture));
}
File.WriteAllLines(Path.Combine(output, "expected.csv"), lines);
Console.WriteLine($"saved {modelPath}; the reloaded model predicts the trained model's probabilities within 1e-5 on 50 rows");
Console.WriteLine("TrainingApp: OK");

static void Check(bool condition, string message)
{
    if (condition) return;
    Console.Error.WriteLine($"TrainingApp FAILED: {message}");
    Environment.Exit(1);
}
