using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using MLExtensions;

namespace MLExtensions.Benchmarks.Stacking;

/// <summary>
/// The base-estimator entry point on diamonds (ln price): FastTree, LightGBM, SDCA and our TorchSharp neural network alone versus
/// stacked (5-fold out-of-fold predictions, base models refitted on all rows), the three ML.NET trainers stacked without and with
/// the neural network, and several combiners on the same out-of-fold predictions of the four-model ensemble.
/// Usage: <c>stacking-tabular [--data DIR] [--no-network]</c> (DIR holds diamonds train.csv/test.csv; default ../shared/data/diamonds
/// relative to the repository root; <c>--no-network</c> leaves the neural network out, and the combiners then run on the three-model OOF predictions).
/// </summary>
public static class TabularStackingBenchmark
{
    public static int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--data");
        string data = i >= 0 && i + 1 < args.Length ? args[i + 1] : BenchmarkSupport.SharedData("diamonds");
        if (!File.Exists(Path.Combine(data, "train.csv")))
        {
            Console.Error.WriteLine($"stacking-tabular: no train.csv under '{Path.GetFullPath(data)}'; pass --data <diamonds dir>.");
            return 2;
        }

        var ml = new MLContext(seed: 1);
        var train = ml.Data.Cache(ml.Data.LoadFromEnumerable(Diamond.Load(Path.Combine(data, "train.csv"))));
        var testRows = Diamond.Load(Path.Combine(data, "test.csv"));
        var test = ml.Data.LoadFromEnumerable(testRows);
        var yTest = testRows.Select(r => (double)r.Label).ToArray();
        Console.WriteLine($"diamonds: {Environment.ProcessorCount} cores; target ln(price); test rows {testRows.Count}");

        var bases = new (string Name, IEstimator<ITransformer> Estimator)[]
        {
            ("FastTree", ml.Regression.Trainers.FastTree(numberOfLeaves: 31, numberOfTrees: 300)),
            ("LightGBM", ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfLeaves = 31, NumberOfIterations = 300, NumberOfThreads = 1, Seed = 1 })),
            ("SDCA", ml.Transforms.NormalizeMeanVariance("FeaturesNormalized", "Features")
                .Append(ml.Regression.Trainers.Sdca(featureColumnName: "FeaturesNormalized", maximumNumberOfIterations: 50))),
            ("NeuralNetwork", ml.Transforms.NormalizeMeanVariance("FeaturesStandardized", "Features", fixZero: false)
                .Append(ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options
                {
                    FeatureColumnName = "FeaturesStandardized",
                    HiddenLayerSizes = [64, 32],
                    Epochs = 40,
                    BatchSize = 256,
                    Dropout = 0,
                    Optimizer = new AdamWSpec(LearningRate: 3e-3),
                    LearningRateSchedule = new CosineSchedule(FinalFactor: 0.05),
                    EarlyStoppingPatience = null,
                    ValidationFraction = 0,
                    Seed = 1,
                }))),
        };

        bool withNetworkAtAll = !args.Contains("--no-network");
        if (!withNetworkAtAll)
        {
            bases = bases.Where(b => b.Name != "NeuralNetwork").ToArray();
        }

        var rows = new List<string>();
        foreach (var (name, estimator) in bases)
        {
            var watch = Stopwatch.StartNew();
            var model = estimator.Fit(train);
            double fit = watch.Elapsed.TotalSeconds;
            rows.Add($"| {name} alone | {F(ml.Regression.Evaluate(model.Transform(test)).RootMeanSquaredError)} | {fit:0.0} s |");
            Console.WriteLine(rows[^1]);
        }

        StackingTransformer stacked = null!;
        foreach (bool withNetwork in withNetworkAtAll ? new[] { false, true } : [false])
        {
            var members = bases.Where(b => withNetwork || b.Name != "NeuralNetwork").ToArray();
            var stackingWatch = Stopwatch.StartNew();
            var estimatorStack = new StackingEnsembleEstimator(members.Select(b => b.Estimator), new() { BaseModelNames = members.Select(b => b.Name).ToArray() });
            stacked = estimatorStack.Fit(train);
            double stackFit = stackingWatch.Elapsed.TotalSeconds;
            string what = string.Join(" + ", members.Select(b => b.Name));
            rows.Add($"| Stacking ensemble ({what}), regularized meta-learning (5-fold OOF + refit) | {F(ml.Regression.Evaluate(stacked.Transform(test)).RootMeanSquaredError)} | {stackFit:0.0} s |");
            Console.WriteLine(rows[^1]);
        }

        // Other combiners on the same out-of-fold predictions and the same refitted base models (the last ensemble fitted).
        var oof = stacked.OutOfFoldPredictions!;
        var label = stacked.OutOfFoldLabel!;
        var testColumns = stacked.BaseModels.Select(m => m.Transform(test).GetColumn<float>("Score").Select(v => (double)v).ToArray()).ToArray();
        var testMatrix = new PredictionMatrix(oof.Names, testColumns);
        foreach (var combiner in new StackingCombiner[]
        {
            new BestSingleModelCombiner(), new SimpleAverageCombiner(), new RidgeStackingCombiner(), new GreedyEnsembleSelectionCombiner(),
            new RegularizedMetaLearningCombiner(), new SelectBestCombiner(),
        })
        {
            var watch = Stopwatch.StartNew();
            var model = combiner.Fit(oof, label);
            double fit = watch.Elapsed.TotalSeconds;
            var p = model.Predict(testMatrix);
            double rmse = Math.Sqrt(p.Select((v, r) => (v - yTest[r]) * (v - yTest[r])).Average());
            string detail = model.Diagnostics?.Selection is { } s
                ? $" (chose {s.ChosenName}; nested CV RMSE {string.Join(", ", s.Candidates.Select((c, k) => $"{c} {F(s.CrossValidationErrors[k])}"))})"
                : model.SelectedInputs.Count == 1 ? $" ({oof.Names[model.SelectedInputs[0]]})" : "";
            rows.Add($"| same OOF, {combiner.Name}{detail} | {F(rmse)} | {fit:0.000} s (combiner only) |");
            Console.WriteLine(rows[^1]);
        }

        Console.WriteLine();
        Console.WriteLine("| model | test RMSE (ln dollars) | fit time |");
        Console.WriteLine("| --- | --- | --- |");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static string F(double v) => v.ToString("0.00000", CultureInfo.InvariantCulture);
}
