using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace MLExtensions.Benchmarks.Stacking;

/// <summary>
/// A second zoo built with the base-estimator entry point on ames (Sale_Price in dollars; 40 categorical columns one-hot encoded,
/// 33 numeric): FastTree, LightGBM, SDCA and our neural network, stacked with <see cref="SelectBestCombiner"/> (5-fold OOF
/// predictions, base models refitted on all rows). Prints every base model alone, the selector's choice, and for every candidate
/// its nested CV RMSE (what the selector chose by, training rows only) beside its test RMSE.
/// Also the same candidates on the OOF predictions and label divided by the label's standard deviation (the combiners' alpha grids
/// are in target units). Usage: <c>stacking-ames [--data DIR] [--no-network]</c> (DIR holds ames train.csv/test.csv; default
/// ../shared/data/ames relative to the repository root; <c>--no-network</c> stacks the three ML.NET trainers only).
/// </summary>
public static class AmesStackingBenchmark
{
    private const string Target = "Sale_Price";

    public static int Run(string[] args)
    {
        string data = BenchmarkSupport.Option(args, "--data") ?? BenchmarkSupport.SharedData("ames");
        if (!File.Exists(Path.Combine(data, "train.csv")))
        {
            Console.Error.WriteLine($"stacking-ames: no train.csv under '{Path.GetFullPath(data)}'; pass --data <ames dir>.");
            return 2;
        }

        var ml = new MLContext(seed: 1);
        var (loader, categorical, numeric) = Loader(ml, Path.Combine(data, "train.csv"));
        var train = ml.Data.Cache(loader.Load(Path.Combine(data, "train.csv")));
        var test = loader.Load(Path.Combine(data, "test.csv"));
        var featurize = ml.Transforms.Categorical.OneHotEncoding(categorical.Select(c => new InputOutputColumnPair("oh_" + c, c)).ToArray())
            .Append(ml.Transforms.Concatenate("Features", numeric.Concat(categorical.Select(c => "oh_" + c)).ToArray()))
            .Fit(train);
        train = ml.Data.Cache(featurize.Transform(train));
        test = featurize.Transform(test);
        var yTest = test.GetColumn<float>("Label").Select(v => (double)v).ToArray();
        Console.WriteLine($"ames: {Environment.ProcessorCount} cores; target {Target} (dollars); {categorical.Length} categorical (one-hot), {numeric.Length} numeric; test rows {yTest.Length}");

        var bases = new (string Name, IEstimator<ITransformer> Estimator)[]
        {
            ("FastTree", ml.Regression.Trainers.FastTree(numberOfLeaves: 15, numberOfTrees: 400, minimumExampleCountPerLeaf: 5, learningRate: 0.05)),
            ("LightGBM", ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                { NumberOfLeaves = 15, NumberOfIterations = 400, LearningRate = 0.05, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1 })),
            ("SDCA", ml.Transforms.NormalizeMeanVariance("FeaturesNormalized", "Features")
                .Append(ml.Regression.Trainers.Sdca(featureColumnName: "FeaturesNormalized", maximumNumberOfIterations: 100))),
            ("NeuralNetwork", ml.Transforms.NormalizeMeanVariance("FeaturesStandardized", "Features", fixZero: false)
                .Append(ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options
                {
                    FeatureColumnName = "FeaturesStandardized",
                    HiddenLayerSizes = [64, 32],
                    Epochs = 60,
                    BatchSize = 64,
                    Dropout = 0,
                    Optimizer = new AdamWSpec(LearningRate: 1e-3),
                    WeightDecay = 1e-2,
                    LearningRateSchedule = new CosineSchedule(FinalFactor: 0.05),
                    EarlyStoppingPatience = null,
                    ValidationFraction = 0,
                    Seed = 1,
                }))),
        };

        if (args.Contains("--no-network"))
        {
            bases = bases.Where(b => b.Name != "NeuralNetwork").ToArray();
        }

        var rows = new List<string>();
        foreach (var (name, estimator) in bases)
        {
            var watch = Stopwatch.StartNew();
            var model = estimator.Fit(train);
            double fit = watch.Elapsed.TotalSeconds;
            var metrics = ml.Regression.Evaluate(model.Transform(test));
            rows.Add($"| {name} alone | - | {F(metrics.RootMeanSquaredError)} | {metrics.RSquared:0.000} | {fit:0.0} s |");
            Console.WriteLine(rows[^1]);
        }

        var stackingWatch = Stopwatch.StartNew();
        var stacked = new StackingEnsembleEstimator(bases.Select(b => b.Estimator), new()
        {
            BaseModelNames = bases.Select(b => b.Name).ToArray(),
            Combiner = new SelectBestCombiner(),
        }).Fit(train);
        double stackFit = stackingWatch.Elapsed.TotalSeconds;
        var stackedMetrics = ml.Regression.Evaluate(stacked.Transform(test));
        var report = stacked.Model.Diagnostics!.Selection!;
        rows.Add($"| **Stacking ensemble ({string.Join(" + ", bases.Select(b => b.Name))}), Select best combiner: chose {report.ChosenName}** | {F(report.CrossValidationErrors[report.Chosen])} | " +
            $"**{F(stackedMetrics.RootMeanSquaredError)}** | {stackedMetrics.RSquared:0.000} | {stackFit:0.0} s |");
        Console.WriteLine(rows[^1]);

        // Each candidate on the same out-of-fold predictions, refitted on all of them, applied to the refitted base models' test
        // predictions: its test error beside the nested CV error the selector chose by.
        var oof = stacked.OutOfFoldPredictions!;
        var label = stacked.OutOfFoldLabel!;
        var testMatrix = new PredictionMatrix(oof.Names, stacked.BaseModels.Select(m => m.Transform(test).GetColumn<float>("Score").Select(v => (double)v).ToArray()).ToArray());
        var candidates = new StackingCombiner[] { new RegularizedMetaLearningCombiner(), new RidgeStackingCombiner(), new GreedyEnsembleSelectionCombiner(), new BestSingleModelCombiner() };
        for (int c = 0; c < candidates.Length; c++)
        {
            var model = candidates[c].Fit(oof, label);
            var p = model.Predict(testMatrix);
            double rmse = Math.Sqrt(p.Select((v, r) => (v - yTest[r]) * (v - yTest[r])).Average());
            double r2 = 1 - p.Select((v, r) => (v - yTest[r]) * (v - yTest[r])).Sum() / yTest.Select(v => (v - yTest.Average()) * (v - yTest.Average())).Sum();
            string detail = model.SelectedInputs.Count == 1 ? $" ({oof.Names[model.SelectedInputs[0]]})" : "";
            rows.Add($"| candidate: {candidates[c].Name}{detail}{(c == report.Chosen ? " (chosen)" : "")} | {F(report.CrossValidationErrors[c])} | {F(rmse)} | {r2:0.000} | - |");
            Console.WriteLine(rows[^1]);
        }

        // The same, on a target of unit variance: predictions and label divided by the label's SD, errors scaled back to dollars.
        double sd = Math.Sqrt(label.Select(v => (v - label.Average()) * (v - label.Average())).Average());
        PredictionMatrix Scaled(PredictionMatrix m) => new(m.Names, m.Columns.Select(c => c.Select(v => v / sd).ToArray()).ToArray());
        var scaledLabel = label.Select(v => v / sd).ToArray();
        var scaledReport = new SelectBestCombiner().Fit(Scaled(oof), scaledLabel).Diagnostics!.Selection!;
        for (int c = 0; c < candidates.Length; c++)
        {
            var p = candidates[c].Fit(Scaled(oof), scaledLabel).Predict(Scaled(testMatrix));
            double rmse = sd * Math.Sqrt(p.Select((v, r) => (v - yTest[r] / sd) * (v - yTest[r] / sd)).Average());
            rows.Add($"| target / SD ({sd:0}): {candidates[c].Name}{(c == scaledReport.Chosen ? " (chosen)" : "")} | {F(sd * scaledReport.CrossValidationErrors[c])} | {F(rmse)} | - | - |");
            Console.WriteLine(rows[^1]);
        }

        // Which step of the pipeline makes its nested CV error large: the pipeline with the projection or the meta-features off.
        var ablations = new StackingCombiner[]
        {
            new RegularizedMetaLearningCombiner(new() { UseMetaFeatures = false }),
            new RegularizedMetaLearningCombiner(new() { UseRedundancyProjection = false }),
            new RegularizedMetaLearningCombiner(new() { UseMetaFeatures = false, UseRedundancyProjection = false }),
        };
        string[] ablationNames = ["no meta-features", "no projection", "neither"];
        var ablationReport = new SelectBestCombiner(new() { Candidates = ablations }).Fit(oof, label).Diagnostics!.Selection!;
        for (int c = 0; c < ablations.Length; c++)
        {
            var p = ablations[c].Fit(oof, label).Predict(testMatrix);
            double rmse = Math.Sqrt(p.Select((v, r) => (v - yTest[r]) * (v - yTest[r])).Average());
            rows.Add($"| ablation: regularized meta-learning, {ablationNames[c]} | {F(ablationReport.CrossValidationErrors[c])} | {F(rmse)} | - | - |");
            Console.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        Console.WriteLine("| model | nested CV RMSE (training rows) | test RMSE (dollars) | test R² | fit time |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>A TextLoader for the ames CSV: Sale_Price as Label, columns that parse as numbers everywhere as Single, the rest as text.</summary>
    private static (TextLoader Loader, string[] Categorical, string[] Numeric) Loader(MLContext ml, string trainPath)
    {
        var lines = File.ReadAllLines(trainPath);
        var header = lines[0].Split(',');
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var isNumber = header.Select((name, j) => cells.All(r => r[j].Length == 0 || double.TryParse(r[j], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))).ToArray();
        var columns = header.Select((name, j) => name == Target
            ? new TextLoader.Column("Label", DataKind.Single, j)
            : new TextLoader.Column(name, isNumber[j] ? DataKind.Single : DataKind.String, j)).ToArray();
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options { HasHeader = true, Separators = [','], MissingRealsAsNaNs = true, Columns = columns });
        return (loader, header.Where((n, j) => n != Target && !isNumber[j]).ToArray(), header.Where((n, j) => n != Target && isNumber[j]).ToArray());
    }

    private static string F(double v) => v.ToString("0", CultureInfo.InvariantCulture);
}
