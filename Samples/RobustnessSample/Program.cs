// Robustness sample: telco churn with standardized features. A standard network and a PGD-adversarially-trained one, the
// adaptive-smoothing composite that mixes them per input, and constant-α mixtures of the two; clean and attacked test accuracy as a
// table (EvaluateUnderAttack), the accuracy-robustness trade-off picture (PNG), and the composite saved through ONNX and reloaded.
// Usage: dotnet run --project Samples/RobustnessSample [-- --data <folder with train.csv and test.csv>] [--output <folder for the PNG>]
//        [--epsilon <ℓ∞ radius in standard deviations, default 0.1>]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions;
using QuickStart;

string dataDir = Option("--data") ?? Path.Combine(AppContext.BaseDirectory, "Data", "wa_churn");
string outputDir = Path.GetFullPath(Option("--output") ?? "output");
// The threat model: an ℓ∞ ball of radius ε in standardized units (every feature is divided by its standard deviation), so ε = 0.1 lets
// an attacker move each feature by a tenth of its spread (about 3 months of tenure or $3 of monthly charges), a change small next to
// the differences between customers yet enough to flip many of a standard network's decisions.
double epsilon = double.Parse(Option("--epsilon") ?? "0.1", CultureInfo.InvariantCulture);
if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException("--epsilon", epsilon, "--epsilon must be a finite number > 0.");
foreach (var file in new[] { "train.csv", "test.csv" })
{
    if (!File.Exists(Path.Combine(dataDir, file)))
        throw new FileNotFoundException($"--data: {Path.Combine(dataDir, file)} not found; give the folder of the wa_churn data (Samples/Data/wa_churn).");
}
Directory.CreateDirectory(outputDir);
var total = Stopwatch.StartNew();
// One LibTorch thread: these networks and batches are small, and a second thread only adds hand-offs (on a busy 2-core machine a
// PGD attack of 300 rows ran 15 times faster with one thread than with two).
TorchSharp.torch.set_num_threads(1);
var ml = new MLContext(seed: 1);
var loaderOptions = new TextLoader.Options { HasHeader = true, Separators = [','], MissingRealsAsNaNs = true };
var train = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "train.csv"), loaderOptions);
var test = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "test.csv"), loaderOptions);

string[] categorical = ["MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
                        "StreamingTv", "StreamingMovies", "Contract", "PaymentMethod"];
string[] numeric = ["Female", "SeniorCitizen", "Partner", "Dependents", "Tenure", "PhoneService", "PaperlessBilling",
                    "MonthlyCharges", "TotalCharges"];
// Missing total charges replaced by the mean, categories one-hot, then every feature standardized (mean 0, variance 1).
var featurizer = ml.Transforms.CopyColumns("Label", "Churn")
    .Append(ml.Transforms.ReplaceMissingValues("TotalCharges"))
    .Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair(c + "Hot", c)).ToArray()))
    .Append(ml.Transforms.Concatenate("Features", numeric.Concat(categorical.Select(c => c + "Hot")).ToArray()))
    .Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: false))
    .Fit(train);
var trainFeatures = ml.Data.Cache(featurizer.Transform(train));
var testFeatures = ml.Data.Cache(featurizer.Transform(test));
// Attacked points stay inside the training data's per-feature range (a one-hot column cannot go below "absent").
var box = InputBox.FromData(trainFeatures);
Console.WriteLine($"Churn: {trainFeatures.GetColumn<bool>("Label").LongCount()} training rows, " +
                  $"{((VectorDataViewType)trainFeatures.Schema["Features"].Type).Size} standardized features; threat model ℓ∞ ε = {epsilon:0.###} standard deviations.");

NeuralNetworkBinaryTrainer.Options BaseOptions() => new()
{
    HiddenLayerSizes = [64, 32], Epochs = 10, EarlyStoppingPatience = null, Seed = 1,
};

// 1. The standard network, and 2. the same network trained with PGD-5 adversarial training at ε (Madry et al.).
var clock = Stopwatch.StartNew();
using var standard = ml.BinaryClassification.Trainers.NeuralNetwork(BaseOptions(),
    ml.CreateConsoleProgress(new ConsoleTrainingProgress.Options { Prefix = "  standard", EpochInterval = 5 })).Fit(trainFeatures);
Console.WriteLine($"Standard network trained ({clock.Elapsed.TotalSeconds:0.0} s).");
clock.Restart();
var robustOptions = BaseOptions();
robustOptions.AdversarialTraining = new AdversarialTrainingOptions { Epsilon = epsilon, Iterations = 5, InputBox = box };
using var robust = ml.BinaryClassification.Trainers.NeuralNetwork(robustOptions,
    ml.CreateConsoleProgress(new ConsoleTrainingProgress.Options { Prefix = "  PGD-AT", EpochInterval = 5 })).Fit(trainFeatures);
Console.WriteLine($"PGD-AT network trained ({clock.Elapsed.TotalSeconds:0.0} s).");

// 3. The adaptive-smoothing composite: both networks frozen, a mixing network learns α(x) against PGD through the whole composite.
clock.Restart();
var smoothingOptions = new AdaptiveSmoothingTrainer.Options
{
    StandardModel = standard, RobustModel = robust, Epochs = 5, Seed = 1,
    Attack = new PgdAttack.Options { Epsilon = epsilon, Iterations = 10, InputBox = box },
};
using var composite = ml.BinaryClassification.Trainers.AdaptiveSmoothing(smoothingOptions).Fit(trainFeatures);
foreach (var epoch in composite.Model.History)
    Console.WriteLine($"  mixing network epoch {epoch.Epoch}: loss {epoch.TrainingLoss:0.0000} ({epoch.Seconds:0.0} s)");
Console.WriteLine($"Adaptive-smoothing composite trained ({clock.Elapsed.TotalSeconds:0.0} s).");

// Clean and attacked test accuracy. PGD-20 with a random start and APGD-CE (100 steps), both through the whole model (through α too
// for the composite: an adaptive attack); "worst case" counts a row as correct only when it survives both.
var attacks = new AdversarialAttack[]
{
    new PgdAttack(new PgdAttack.Options { Epsilon = epsilon, Iterations = 20, InputBox = box }),
    new ApgdAttack(new ApgdAttack.Options { Epsilon = epsilon, Iterations = 100, InputBox = box }),
};
var rows = new List<(string Name, RobustnessMetrics Metrics, double? MeanAlphaClean)>();
RobustnessMetrics Evaluate(ITransformer model) => ml.BinaryClassification.EvaluateUnderAttack(testFeatures, model, attacks, seed: 1);
rows.Add(("standard", Evaluate(standard), null));
rows.Add(("PGD-AT", Evaluate(robust), null));
rows.Add(("adaptive smoothing", Evaluate(composite), composite.GetAlphas(testFeatures).Average()));
var curve = new List<TradeOffPoint>();
foreach (double alpha in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
{
    using var mixture = composite.WithConstantAlpha(alpha);
    var metrics = Evaluate(mixture);
    rows.Add(($"constant α = {alpha:0.00}", metrics, alpha));
    curve.Add(new TradeOffPoint($"α={alpha:0.##}", metrics.CleanAccuracy, metrics.WorstCaseAccuracy));
}

Console.WriteLine();
Console.WriteLine($"Test accuracy ({rows[0].Metrics.RowCount} rows), clean and under attack (ℓ∞ ε = {epsilon:0.###}):");
Console.WriteLine($"{"model",-22} {"mean α",7} {"clean",7} {attacks[0].Name,-24} {attacks[1].Name,-24} {"worst case",10}");
foreach (var (name, metrics, alpha) in rows)
{
    Console.WriteLine($"{name,-22} {(alpha is { } a ? a.ToString("0.00", CultureInfo.InvariantCulture) : "-"),7} {metrics.CleanAccuracy,7:0.0000} " +
                      $"{metrics.Attacks[0].Accuracy,-24:0.0000} {metrics.Attacks[1].Accuracy,-24:0.0000} {metrics.WorstCaseAccuracy,10:0.0000}");
}

// The α the mixing network gives clean test rows and their PGD-attacked copies (attacked through the composite).
var attackedTest = AttackedCopy(composite, testFeatures, attacks[0]);
float meanClean = composite.GetAlphas(testFeatures).Average(), meanAttacked = composite.GetAlphas(attackedTest).Average();
Console.WriteLine($"Mixing weight α of the composite: mean {meanClean:0.000} on clean test rows, {meanAttacked:0.000} on their PGD-attacked copies.");

// The trade-off picture: the constant-α curve from the standard to the robust network, and the adaptive composite beside it.
string png = Path.Combine(outputDir, "robustness-trade-off.png");
var adaptive = rows[2].Metrics;
TrainingCharts.TradeOffCurve(curve, [new TradeOffPoint("adaptive smoothing", adaptive.CleanAccuracy, adaptive.WorstCaseAccuracy)],
    title: $"Churn, L∞ ε = {epsilon:0.###}: clean vs attacked accuracy").SavePng(png, 800, 560);
Console.WriteLine($"Trade-off picture: {png}");

// Save the composite (with the featurization in front of it) through ONNX, reload it without TorchSharp, compare predictions.
var pipeline = featurizer.Append(composite);
string modelPath = Path.Combine(Path.GetTempPath(), $"robustness-sample-{Environment.ProcessId}.zip");
ml.Model.SaveWithOnnx(pipeline, train.Schema, modelPath);
var servingContext = new MLContext();
var reloaded = MLExtensionsRuntime.LoadModel(servingContext, modelPath, out _);
var before = pipeline.Transform(test).GetColumn<float>("Probability").ToArray();
var after = reloaded.Transform(test).GetColumn<float>("Probability").ToArray();
double maxDifference = before.Zip(after, (p, q) => Math.Abs(p - q)).Max();
Console.WriteLine($"Saved to {modelPath} ({new FileInfo(modelPath).Length / 1024} KiB) and reloaded: {after.Length} test rows, " +
                  $"max |probability difference| {maxDifference:0.0e+0}.");
File.Delete(modelPath);
Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s.");

// Checks (CI runs this sample and fails on an exception).
if (before.Length != after.Length || maxDifference > 1e-5)
    throw new InvalidOperationException($"The reloaded composite predicts differently (max difference {maxDifference}).");
if (rows[1].Metrics.WorstCaseAccuracy <= rows[0].Metrics.WorstCaseAccuracy)
    throw new InvalidOperationException($"The PGD-AT network ({rows[1].Metrics.WorstCaseAccuracy:0.0000}) is not more robust than the standard one " +
                                        $"({rows[0].Metrics.WorstCaseAccuracy:0.0000}) under attack.");
if (rows[0].Metrics.WorstCaseAccuracy >= rows[0].Metrics.CleanAccuracy)
    throw new InvalidOperationException("The attacks did not lower the standard network's accuracy: ε is too small to show anything.");
if (new FileInfo(png).Length < 1000) throw new InvalidOperationException($"{png} is nearly empty.");

// The rows of data with their features replaced by the attack's points against the model.
IDataView AttackedCopy(AdaptiveSmoothingPredictionTransformer model, IDataView data, AdversarialAttack attack)
{
    var features = data.GetColumn<float[]>("Features").ToArray();
    var labels = data.GetColumn<bool>("Label").Select(l => l ? 1L : 0L).ToArray();
    int d = features[0].Length;
    using var classifier = model.CreateDifferentiableClassifier();
    using var x = TorchSharp.torch.tensor(features.SelectMany(f => f).ToArray(), [features.Length, d]);
    using var y = TorchSharp.torch.tensor(labels);
    using var generator = new TorchSharp.torch.Generator(2);
    using var attacked = attack.Perturb(classifier, x, y, generator);
    var values = attacked.data<float>().ToArray();
    var attackedRows = Enumerable.Range(0, features.Length).Select(i => new FeatureRow { Features = values[(i * d)..((i + 1) * d)] });
    var schema = SchemaDefinition.Create(typeof(FeatureRow));
    schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
    return ml.Data.LoadFromEnumerable(attackedRows, schema);
}

string? Option(string name) => SampleArguments.Option(args, name);
