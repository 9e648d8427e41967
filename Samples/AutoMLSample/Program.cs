// AutoMLSample: a hyperparameter search with MLExtensions.AutoML on the telco churn data. Part 1 searches the optimizer
// (a one-of over four registered optimizers, each with its own parameters), the learning-rate schedule and the width of
// our neural network with TPE and the Hyperband pruner; part 2 searches over model families (neural network or GBNN).
// Each part prints a leaderboard and a text chart of the trial history and writes the history as a PNG (automl-trials.png,
// automl-families.png); part 1 saves the refit best model through SaveWithOnnx and reloads it. Trial budgets (10 and 6
// trials, with time budgets as a safety net) keep each part short.
// Usage: dotnet run --project Samples/AutoMLSample [-- --data <folder with train.csv and test.csv>] [--output <folder for the PNGs>]
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions;
using MLExtensions.AutoML;
using AutoMLSample;
using QuickStart;

string dataDir = Option("--data") ?? Path.Combine(AppContext.BaseDirectory, "Data", "wa_churn");
string outputDir = Path.GetFullPath(Option("--output") ?? "output");
Directory.CreateDirectory(outputDir);
var ml = new MLContext(seed: 1);
var loaderOptions = new TextLoader.Options { HasHeader = true, Separators = [','], MissingRealsAsNaNs = true };
var all = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "train.csv"), loaderOptions);
var test = ml.Data.LoadFromTextFile<ChurnRow>(Path.Combine(dataDir, "test.csv"), loaderOptions);
var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);

string[] categorical = ["MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
                        "StreamingTv", "StreamingMovies", "Contract", "PaymentMethod"];
string[] numeric = ["Female", "SeniorCitizen", "Partner", "Dependents", "Tenure", "PhoneService", "PaperlessBilling",
                    "MonthlyCharges", "TotalCharges"];
IEstimator<ITransformer> Featurize(MLContext c) => c.Transforms.CopyColumns("Label", "Churn")
    .Append(c.Transforms.ReplaceMissingValues("TotalCharges"))
    .Append(c.Transforms.Categorical.OneHotEncoding(categorical.Select(n => new InputOutputColumnPair(n + "Hot", n)).ToArray()))
    .Append(c.Transforms.Concatenate("Features", numeric.Concat(categorical.Select(n => n + "Hot")).ToArray()))
    .Append(c.Transforms.NormalizeMeanVariance("Features"));

// ---- Part 1: optimizers and schedules -------------------------------------------------------------------------------
const int Epochs = 6, BatchSize = 128;
long totalSteps = Epochs * (long)Math.Ceiling(2800.0 / BatchSize);
var optimizers = new OptimizerSearchSpace(["adamw", "sgd", "lion", "adabelief"], defaultKind: "adamw");
var schedules = new LearningRateScheduleSearchSpace(totalSteps, ["constant", "cosine", "one-cycle"]);
var space = new SearchSpace
{
    ["Optimizer"] = optimizers.Option,
    ["Schedule"] = schedules.Option,
    ["Hidden"] = new UniformIntOption(16, 128, logBase: true, defaultValue: 64),
};

IEstimator<ITransformer> BuildNetwork(MLContext c, Parameter p) => Featurize(c).Append(c.BinaryClassification.Trainers.NeuralNetwork(
    new NeuralNetworkBinaryTrainer.Options
    {
        HiddenLayerSizes = [p["Hidden"].AsType<int>()],
        Optimizer = optimizers.ToSpec(p["Optimizer"]),
        LearningRateSchedule = schedules.ToSpec(p["Schedule"]),
        Epochs = Epochs,
        BatchSize = BatchSize,
        EarlyStoppingPatience = null,
        Seed = 1,
        NumberOfThreads = 1,
    }, TrialScope.TrainingProgress));   // per-epoch validation loss -> the trial's reporter -> the pruner

var experiment = new AutoMLExperiment(ml)
    .SetPipeline(BuildNetwork, space)
    .SetDataset(split.TrainSet, split.TestSet)
    .SetBinaryClassificationMetric(BinaryClassificationMetric.AreaUnderRocCurve)
    .SetTpeTuner(new TpeOptions { Seed = 1, NumberOfStartupTrials = 5 })
    .SetPruner(new HyperbandPruner(new HyperbandPruner.Options { MaxResource = Epochs }))
    // Warm start: trial 0 runs a hand-picked point (AdamW at 3e-3 with cosine; the rest at the space's defaults) and the tuner
    // learns from it like from its own trials.
    .EnqueueTrial(Parameter.FromJson("""{"Optimizer": {"Kind": "adamw", "LearningRate": 0.003}, "Schedule": {"Kind": "cosine"}}"""))
    .SetMaxTrials(10)
    .SetTrainingTimeInSeconds(120)
    .SetSeed(1);
var result = await experiment.RunAsync();

Console.WriteLine("Part 1: optimizer x schedule x width (TPE + Hyperband)");
Console.WriteLine(result.ToLeaderboard(top: 5));
Console.WriteLine(TrialChart.Draw(result));
TrainingCharts.TrialHistory(result.Trials.Select(t => t.Metric).ToArray(), "validation AUC", result.IsMaximize,
        $"TPE + Hyperband on churn: {result.Trials.Count} trials, {result.Trials.Count(t => t.State == TrialState.Pruned)} pruned")
    .SavePng(Path.Combine(outputDir, "automl-trials.png"), 800, 500);
var best = result.BestTrial ?? throw new InvalidOperationException("No trial completed; raise the time budget.");
Console.WriteLine($"Best: trial {best.TrialSettings.TrialId}, validation AUC {best.Metric:0.0000}, optimizer {optimizers.ToSpec(best.TrialSettings.Parameter["Optimizer"])}");
// Which hyperparameters mattered: fANOVA over the complete trials (Optuna's get_param_importances); a branch's own
// hyperparameters appear only for trials filtered to that branch. With a few trials of a focusing tuner, a rough picture.
var importances = result.GetParameterImportances();
Console.WriteLine("Importances: " + string.Join(", ", importances.Select(i => $"{i.Path} {i.Importance:0.00}")));
TrainingCharts.Leaderboard(importances.Select(i => new NamedValue(i.Path, i.Importance)).ToArray(), "importance (share of the explained variance)",
        lowerIsBetter: false, "Which hyperparameters mattered (fANOVA)")
    .SavePng(Path.Combine(outputDir, "automl-importances.png"), 800, 400);
var testAuc = ml.BinaryClassification.Evaluate(result.Model!.Transform(test)).AreaUnderRocCurve;
Console.WriteLine($"Refit on train + validation ({(result.IsRefit ? "yes" : "no")}): test AUC {testAuc:0.0000}");

string modelPath = Path.Combine(Path.GetTempPath(), "churn-automl.zip");
ml.Model.SaveWithOnnx(result.Model!, all.Schema, modelPath);
var reloaded = MLExtensionsRuntime.LoadModel(new MLContext(), modelPath, out _);
var reloadedAuc = ml.BinaryClassification.Evaluate(reloaded.Transform(test)).AreaUnderRocCurve;
Console.WriteLine($"Saved through SaveWithOnnx to {modelPath} and reloaded: test AUC {reloadedAuc:0.0000}");
if (Math.Abs(reloadedAuc - testAuc) > 1e-4)
    throw new InvalidOperationException("The reloaded model scores differently from the refit one.");
result.WriteCsv(Path.Combine(Path.GetTempPath(), "churn-automl-trials.csv"));

// ---- Part 2: model families --------------------------------------------------------------------------------------
var families = new SearchSpace
{
    ["Model"] = new OneOfOption(
        new KeyValuePair<string, SearchSpace>("NeuralNetwork", new SearchSpace
        {
            ["Hidden"] = new UniformIntOption(16, 128, logBase: true, defaultValue: 64),
            ["LearningRate"] = new UniformDoubleOption(3e-4, 3e-2, logBase: true, defaultValue: 1e-3),
        }),
        new KeyValuePair<string, SearchSpace>("Gbnn", new SearchSpace
        {
            ["UnitsPerStep"] = new UniformIntOption(1, 8, defaultValue: 4),
            ["LearningRate"] = new UniformDoubleOption(0.1, 1.0, logBase: true, defaultValue: 1.0),
        })),
};

IEstimator<ITransformer> BuildFamily(MLContext c, Parameter p)
{
    var m = p["Model"];
    IEstimator<ITransformer> trainer = m["Kind"].AsType<string>() switch
    {
        "NeuralNetwork" => c.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [m["Hidden"].AsType<int>()],
            Optimizer = new AdamWSpec(LearningRate: m["LearningRate"].AsType<double>()),
            Epochs = Epochs, BatchSize = BatchSize, Seed = 1, NumberOfThreads = 1,
        }, TrialScope.TrainingProgress),
        "Gbnn" => c.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkBinaryTrainer.Options
        {
            UnitsPerStep = m["UnitsPerStep"].AsType<int>(),
            TotalHiddenUnits = 8 * m["UnitsPerStep"].AsType<int>(),
            LearningRate = m["LearningRate"].AsType<double>(),
            Seed = 1,
        }, TrialScope.TrainingProgress),
        var kind => throw new ArgumentException($"Unknown model family {kind}."),
    };
    return Featurize(c).Append(trainer);
}

var familyResult = await new AutoMLExperiment(ml)
    .SetPipeline(BuildFamily, families)
    .SetDataset(split.TrainSet, split.TestSet)
    .SetBinaryClassificationMetric(BinaryClassificationMetric.AreaUnderRocCurve)
    .SetRandomSearchTuner()
    .SetMaxTrials(6)
    .SetTrainingTimeInSeconds(90)
    .SetSeed(1)
    .RunAsync();
Console.WriteLine("Part 2: model families (random search)");
Console.WriteLine(familyResult.ToLeaderboard(top: 5));
Console.WriteLine(TrialChart.Draw(familyResult));
TrainingCharts.TrialHistory(familyResult.Trials.Select(t => t.Metric).ToArray(), "validation AUC", familyResult.IsMaximize,
        "Model families on churn (random search)")
    .SavePng(Path.Combine(outputDir, "automl-families.png"), 800, 500);
Console.WriteLine($"Charts written to {outputDir}: automl-trials.png, automl-importances.png, automl-families.png");

string? Option(string name) => SampleArguments.Option(args, name);
