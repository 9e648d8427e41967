// Stacking sample: FastTree, LightGBM and SDCA on a diamonds subset (target ln(price)), each alone and stacked with the
// regularized meta-learning pipeline (MLExtensions.Stacking), and a leaderboard picture (PNG) of combiners and base models.
// Runs in well under a minute on 2 cores. Usage: dotnet run --project Samples/StackingSample [-- --output <folder for the PNG>]
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MLExtensions;
using StackingSample;

var ml = new MLContext(seed: 1);
int outputAt = Array.IndexOf(args, "--output");
string outputDir = Path.GetFullPath(outputAt >= 0 && outputAt + 1 < args.Length ? args[outputAt + 1] : "output");
Directory.CreateDirectory(outputDir);
string dataDir = Path.Combine(AppContext.BaseDirectory, "Data", "diamonds");
var train = ml.Data.LoadFromEnumerable(Diamond.Load(Path.Combine(dataDir, "train_6k.csv")));
var test = ml.Data.LoadFromEnumerable(Diamond.Load(Path.Combine(dataDir, "test_2k.csv")));

// Base models. SDCA needs normalized features: it normalizes into its own column so that the other base models still read "Features".
var bases = new (string Name, IEstimator<ITransformer> Estimator)[]
{
    ("FastTree", ml.Regression.Trainers.FastTree(numberOfLeaves: 31, numberOfTrees: 200)),
    // One LightGBM thread: its OpenMP threads spin and slow down badly on a small, shared machine.
    ("LightGBM", ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
    {
        NumberOfLeaves = 31, NumberOfIterations = 200, NumberOfThreads = 1, Seed = 1,
    })),
    ("SDCA", ml.Transforms.NormalizeMeanVariance("FeaturesNormalized", "Features")
        .Append(ml.Regression.Trainers.Sdca(featureColumnName: "FeaturesNormalized", maximumNumberOfIterations: 50))),
};

Console.WriteLine("| model | test RMSE (ln dollars) | fit time |");
Console.WriteLine("| --- | --- | --- |");
var baseRmse = new List<double>();
var baseTestScores = new List<float[]>();
foreach (var (name, estimator) in bases)
{
    var watch = Stopwatch.StartNew();
    var model = estimator.Fit(train);
    double rmse = ml.Regression.Evaluate(model.Transform(test)).RootMeanSquaredError;
    baseRmse.Add(rmse);
    baseTestScores.Add(model.Transform(test).GetColumn<float>("Score").ToArray());
    Console.WriteLine($"| {name} alone | {rmse:0.0000} | {watch.Elapsed.TotalSeconds:0.0} s |");
}

// The stacking ensemble: 5-fold out-of-fold predictions of each base model -> regularized meta-learning -> refit on all rows.
var stackingWatch = Stopwatch.StartNew();
var stacking = ml.Regression.Trainers.StackingEnsemble(
    bases.Select(b => b.Estimator),
    new StackingEnsembleEstimator.Options
    {
        Folds = 5,
        BaseModelNames = bases.Select(b => b.Name).ToArray(),
        Combiner = new RegularizedMetaLearningCombiner(),
    });
var stacked = stacking.Fit(train);
var metrics = ml.Regression.Evaluate(stacked.Transform(test));
Console.WriteLine($"| Stacking (regularized meta-learning) | {metrics.RootMeanSquaredError:0.0000} | {stackingWatch.Elapsed.TotalSeconds:0.0} s |");

// The same out-of-fold predictions with a baseline combiner, for comparison.
var oof = stacked.OutOfFoldPredictions!;
var label = stacked.OutOfFoldLabel!;
var average = new SimpleAverageCombiner().Fit(oof, label);
Console.WriteLine();
Console.WriteLine("Fitted stacking model:");
var report = stacked.Model.Diagnostics?.Redundancy;
if (report is not null)
{
    Console.WriteLine($"  redundancy projection kept {string.Join(", ", report.Kept.Select(k => report.Names[k]))}; " +
        $"cond(corr) {report.ConditionNumberBefore:0.#} -> {report.ConditionNumberAfter:0.#}");
}

foreach (var c in stacked.Model.Components)
{
    Console.WriteLine($"  {c.Name,-10} blend weight {c.BlendWeight:0.000}, alpha {c.Alpha:0.###e+0}, out-of-fold RMSE {c.OutOfFoldError:0.0000}");
}

Console.WriteLine($"  out-of-fold RMSE of the simple average: {Math.Sqrt(oof.Columns[0].Select((_, i) => Math.Pow(average.Predict(oof.Row(i)) - label[i], 2)).Average()):0.0000}");

// Leaderboard on the test set: the stacking pipeline, two baseline combiners and each base model alone.
var testLabels = test.GetColumn<float>("Label").ToArray();
double Rmse(Func<int, double> predict) => Math.Sqrt(testLabels.Select((y, i) => Math.Pow(predict(i) - y, 2)).Average());
var oofRmse = oof.Columns.Select(column => Math.Sqrt(column.Select((p, i) => Math.Pow(p - label[i], 2)).Average())).ToArray();
var leaderboard = new List<NamedValue>
{
    new("Stacking (regularized meta-learning)", metrics.RootMeanSquaredError),
    new("Simple average of the base models", Rmse(i => baseTestScores.Average(s => s[i]))),
    // Weights from the out-of-fold RMSEs (never from the test set).
    new("Inverse-RMSE blend (out-of-fold weights)", Rmse(i => baseTestScores.Select((s, m) => s[i] / oofRmse[m]).Sum() / oofRmse.Sum(r => 1 / r))),
};
leaderboard.AddRange(bases.Select((b, m) => new NamedValue($"{b.Name} alone", baseRmse[m])));
string leaderboardPng = Path.Combine(outputDir, "stacking-leaderboard.png");
TrainingCharts.Leaderboard(leaderboard, "test RMSE of ln(price), lower is better", lowerIsBetter: true,
    "Diamonds (6,000 rows): stacking against baselines").SavePng(leaderboardPng, 900, 420);
Console.WriteLine($"  leaderboard picture: {leaderboardPng} (test RMSE of each combiner and base model)");

// A prediction engine works on raw features.
var engine = ml.Model.CreatePredictionEngine<Diamond, Prediction>(stacked);
var first = Diamond.Load(Path.Combine(dataDir, "test_2k.csv"))[0];
var predicted = engine.Predict(first).Score;
Console.WriteLine($"  first test diamond: predicted ${Math.Exp(predicted):0}, actual ${Math.Exp(first.Label):0}");

// Save with mlContext.Model.Save (base models native, meta part as ONNX) and reload.
string path = Path.Combine(Path.GetTempPath(), "stacking-sample.zip");
MLExtensions.StackingPersistence.Save(ml, stacked, train, path);
var reloaded = MLExtensions.StackingPersistence.Load(new MLContext(), path, out _);
var reloadedScores = reloaded.Transform(test).GetColumn<float>("Score").ToArray();
var scores = stacked.Transform(test).GetColumn<float>("Score").ToArray();
double maxDifference = scores.Select((s, i) => Math.Abs(s - reloadedScores[i])).Max();
Console.WriteLine($"  saved to {path} ({new FileInfo(path).Length / 1024} KiB) and reloaded: max |score difference| {maxDifference:0.0e+0}");
File.Delete(path);

// Checks (the CI runs samples and fails on an exception).
if (maxDifference > 1e-5)
{
    throw new InvalidOperationException($"Reloaded model differs by {maxDifference}.");
}

if (!double.IsFinite(metrics.RootMeanSquaredError) || metrics.RootMeanSquaredError > baseRmse.Max())
{
    throw new InvalidOperationException($"Stacking RMSE {metrics.RootMeanSquaredError} is worse than every base model ({string.Join(", ", baseRmse)}).");
}

internal sealed class Prediction
{
    public float Score { get; set; }
}
