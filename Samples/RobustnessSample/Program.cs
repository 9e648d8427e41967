// Robustness: adaptive smoothing on telco churn with standardized features. A standard network, a PGD-trained robust one, the
// constant-α mixtures between them and the adaptive mixture (a mixing network weighs the two per input), each measured on clean
// test rows and under a PGD-20 attack through the whole model (α included) at ε = 0.1 standardized units (ℓ∞). Prints the table and
// fit times and draws the trade-off as a PNG.
// Usage: dotnet run --project Samples/RobustnessSample [-- --data <folder with train.csv and test.csv>] [--output <folder for the PNG>] [--epsilon <ε>]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions;
using QuickStart;
using static TorchSharp.torch;

string dataDir = SampleArguments.Option(args, "--data") ?? Path.Combine(AppContext.BaseDirectory, "Data", "wa_churn");
string outputDir = Path.GetFullPath(SampleArguments.Option(args, "--output") ?? "output");
double epsilon = double.Parse(SampleArguments.Option(args, "--epsilon") ?? "0.1", CultureInfo.InvariantCulture);
Directory.CreateDirectory(outputDir);
var ml = new MLContext(seed: 1);
var loaderOptions = new TextLoader.Options { HasHeader = true, Separators = [','], MissingRealsAsNaNs = true };
var trainRaw = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "train.csv"), loaderOptions);
var testRaw = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "test.csv"), loaderOptions);

string[] categorical = ["MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
                        "StreamingTv", "StreamingMovies", "Contract", "PaymentMethod"];
string[] numeric = ["Female", "SeniorCitizen", "Partner", "Dependents", "Tenure", "PhoneService", "PaperlessBilling",
                    "MonthlyCharges", "TotalCharges"];
// Standardized features: ε is in standard deviations of each feature.
var featurizer = ml.Transforms.CopyColumns("Label", "Churn")
    .Append(ml.Transforms.ReplaceMissingValues("TotalCharges"))
    .Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray()))
    .Append(ml.Transforms.Concatenate("Features", numeric.Concat(categorical.Select(c => c + "Hot")).ToArray()))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Fit(trainRaw);
var train = ml.Data.Cache(featurizer.Transform(trainRaw));
var test = ml.Data.Cache(featurizer.Transform(testRaw));

NeuralNetworkBinaryTrainer.Options BaseOptions() => new()
{
    HiddenLayerSizes = [64, 32], Epochs = 15, Seed = 1, NumberOfThreads = 2, EarlyStoppingPatience = null, ValidationFraction = 0,
};
var clock = Stopwatch.StartNew();
using var standard = ml.BinaryClassification.Trainers.NeuralNetwork(BaseOptions()).Fit(train);
double standardSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
var robustOptions = BaseOptions();
RobustSetup.EnableAdversarialTraining(robustOptions, epsilon);
using var robust = ml.BinaryClassification.Trainers.NeuralNetwork(robustOptions).Fit(train);
double robustSeconds = clock.Elapsed.TotalSeconds;

clock.Restart();
var smoothingOptions = new AdaptiveSmoothingTrainer.Options { StandardModel = standard, RobustModel = robust, Seed = 1, Epochs = 5 };
smoothingOptions.Attack.Epsilon = epsilon;
using var adaptive = ml.BinaryClassification.Trainers.AdaptiveSmoothing(smoothingOptions).Fit(train);
double mixingSeconds = clock.Elapsed.TotalSeconds;

// PGD-20 with 2 restarts through each whole model; accuracy at the 0.5 threshold.
var attack = new PgdAttack(new PgdAttack.Options { Epsilon = epsilon, Iterations = 20, Restarts = 2 });
var (features, labels, rows) = Packed(test);
(double Clean, double Robust) Measure(IAttackableTransformer model)
{
    using var scope = NewDisposeScope();
    using var view = model.CreateDifferentiableClassifier();
    using var generator = new Generator(7);
    var x = tensor(features, new long[] { rows, features.Length / rows });
    var y = tensor(labels);
    var attacked = attack.Perturb(view, x, y, generator);
    using var noGrad = no_grad();
    double clean = view.LogProbabilities(x).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
    double robustAccuracy = view.LogProbabilities(attacked).argmax(1).eq(y).to_type(ScalarType.Float64).mean().item<double>();
    return (clean, robustAccuracy);
}

var curve = new List<TradeOffPoint>();
Console.WriteLine($"telco churn, {rows} test rows, PGD-20 ×2 restarts, ℓ∞ ε = {epsilon} (standardized units)");
Console.WriteLine($"{"model",-28} {"clean acc",10} {"attacked acc",13}");
foreach (double alpha in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
{
    using var mixture = adaptive.WithConstantAlpha(alpha);
    var (clean, robustAccuracy) = Measure(mixture);
    string name = alpha switch { 0 => "α = 0 (standard)", 1 => "α = 1 (robust)", _ => $"α = {alpha}" };
    curve.Add(new TradeOffPoint(name, clean, robustAccuracy));
    Console.WriteLine($"{"constant " + name,-28} {clean,10:0.0000} {robustAccuracy,13:0.0000}");
}
var (adaptiveClean, adaptiveRobust) = Measure(adaptive);
Console.WriteLine($"{"adaptive (mixing network)",-28} {adaptiveClean,10:0.0000} {adaptiveRobust,13:0.0000}");
var alphas = adaptive.GetAlphas(test);
Console.WriteLine($"mean α on clean test rows: {alphas.Average():0.000}");
Console.WriteLine($"fit seconds (machine shared, not a benchmark): standard {standardSeconds:0.0}, robust (PGD training) {robustSeconds:0.0}, mixing network {mixingSeconds:0.0}");

string png = Path.Combine(outputDir, "robustness-trade-off.png");
TrainingCharts.TradeOffCurve(curve, [new TradeOffPoint("adaptive", adaptiveClean, adaptiveRobust)],
    title: $"Churn: clean vs PGD-20 accuracy, ε = {epsilon}").SavePng(png, 800, 560);
Console.WriteLine($"wrote {png}");

// CI runs this sample: the attack must hurt the standard model, and the robust end of the curve must hold up better.
if (!(curve[^1].RobustAccuracy > curve[0].RobustAccuracy))
    throw new InvalidOperationException($"The robust model ({curve[^1].RobustAccuracy:0.0000}) is not more robust than the standard one ({curve[0].RobustAccuracy:0.0000}).");

static (float[] Features, long[] Labels, int Rows) Packed(IDataView data)
{
    var f = data.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToList();
    var l = data.GetColumn<bool>("Label").Select(b => b ? 1L : 0L).ToArray();
    return (f.SelectMany(r => r).ToArray(), l, f.Count);
}
