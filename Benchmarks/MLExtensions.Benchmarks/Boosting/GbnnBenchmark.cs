using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Boosting;
using MLExtensions.Networks;
using MLExtensions.Optimizers;
using MLExtensions.Trainers;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.Boosting;

/// <summary>
/// GBNN against one-hidden-layer and default networks trained by our neural trainer, and LightGBM, on three tabular sets of
/// shared/data: spam (binary, AUC), satellite (6 classes, accuracy) and diamonds (regression of ln(price), RMSE). Features are
/// standardized (centred and scaled) on the training rows; every model sees the same columns. Fit times include the featurization.
/// </summary>
public static class GbnnBenchmark
{
    public static int Run(string[] args)
    {
        string root = Option(args, "--data") ?? Path.Combine(RepositoryRoot(), "..", "shared", "data");
        int units = int.Parse(Option(args, "--units") ?? "200");
        int seed = int.Parse(Option(args, "--seed") ?? "1");
        string? only = Option(args, "--only");
        var ml = new MLContext(seed: seed);
        Console.WriteLine($"GBNN benchmark; data under {Path.GetFullPath(root)}; {Environment.ProcessorCount} cores");
        Console.WriteLine("| data | model | metric | value | fit s |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");

        // Spam: 57 numeric features, label 'type' (0/1).
        if (only is null || only == "spam")
        {
        var (spamTrain, spamTest) = LoadNumeric(ml, Path.Combine(root, "spam"), features: 57, labelKind: DataKind.Boolean);
        Compare(ml, "spam", "AUC", spamTrain, spamTest, new (string, IEstimator<ITransformer>)[]
        {
            ($"GBNN (paper defaults: {units} units, J=1, eta=1, subsample 0.5)", ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, seed: seed)),
            ("GBNN (J=4, eta=0.5, subsample 0.75)", ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, unitsPerStep: 4, learningRate: 0.5, subsample: 0.75, seed: seed)),
            ($"NeuralNetwork [{units}] sigmoid, Adam 1e-3", ml.BinaryClassification.Trainers.NeuralNetwork(Shallow(new NeuralNetworkBinaryTrainer.Options(), units))),
            ("NeuralNetwork defaults ([64, 32] ReLU, AdamW)", ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { Seed = 1, NumberOfThreads = 2 })),
            ("LightGBM defaults", ml.BinaryClassification.Trainers.LightGbm()),
        }, (data) => ml.BinaryClassification.Evaluate(data).AreaUnderRocCurve);
        }

        // Satellite: 36 numeric features, label 'classes' (text) mapped to a key.
        if (only is null || only == "satellite")
        {
        var (satTrain, satTest) = LoadNumeric(ml, Path.Combine(root, "satellite"), features: 36, labelKind: DataKind.String);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label");
        Compare(ml, "satellite", "accuracy", satTrain, satTest, new (string, IEstimator<ITransformer>)[]
        {
            ($"GBNN (paper defaults: {units} units, J=1, eta=1, subsample 0.5)", toKey.Append(ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, seed: seed))),
            ("GBNN (J=4, eta=0.5, subsample 0.75)", toKey.Append(ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, unitsPerStep: 4, learningRate: 0.5, subsample: 0.75, seed: seed))),
            ($"NeuralNetwork [{units}] sigmoid, Adam 1e-3", toKey.Append(ml.MulticlassClassification.Trainers.NeuralNetwork(Shallow(new NeuralNetworkMulticlassTrainer.Options(), units)))),
            ("NeuralNetwork defaults ([64, 32] ReLU, AdamW)", toKey.Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { Seed = 1, NumberOfThreads = 2 }))),
            ("LightGBM defaults", toKey.Append(ml.MulticlassClassification.Trainers.LightGbm())),
        }, (data) => ml.MulticlassClassification.Evaluate(data).MicroAccuracy);
        }

        // Diamonds: 10 numeric features, ln(price).
        if (only is null || only == "diamonds")
        {
        var diamondsTrain = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "train.csv")));
        var diamondsTest = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "test.csv")));
        Compare(ml, "diamonds", "RMSE", diamondsTrain, diamondsTest, new (string, IEstimator<ITransformer>)[]
        {
            ($"GBNN (paper defaults: {units} units, J=1, eta=1, subsample 0.5)", ml.Regression.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, seed: seed)),
            ("GBNN (J=4, eta=0.5, subsample 0.75)", ml.Regression.Trainers.GradientBoostedNeuralNetwork(totalHiddenUnits: units, unitsPerStep: 4, learningRate: 0.5, subsample: 0.75, seed: seed)),
            ($"NeuralNetwork [{units}] sigmoid, Adam 1e-3", ml.Regression.Trainers.NeuralNetwork(Shallow(new NeuralNetworkRegressionTrainer.Options(), units))),
            ("NeuralNetwork defaults ([64, 32] ReLU, AdamW)", ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { Seed = 1, NumberOfThreads = 2 })),
            ("LightGBM defaults", ml.Regression.Trainers.LightGbm()),
        }, (data) => ml.Regression.Evaluate(data).RootMeanSquaredError);
        }
        return 0;
    }

    private static T Shallow<T>(T options, int units) where T : NeuralNetworkOptionsBase
    {
        options.HiddenLayerSizes = [units];
        options.Activation = ActivationKind.Sigmoid;
        options.Dropout = 0;
        options.Optimizer = new AdamSpec(LearningRate: 1e-3);
        options.Seed = 1;
        options.NumberOfThreads = 2;
        return options;
    }

    private static void Compare(MLContext ml, string data, string metric, IDataView train, IDataView test,
                                (string Name, IEstimator<ITransformer> Trainer)[] models, Func<IDataView, double> score)
    {
        // fixZero: false centres as well as scales (scikit-learn's StandardScaler); ML.NET's default only scales.
        var normalize = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false);
        foreach (var (name, trainer) in models)
        {
            var clock = Stopwatch.StartNew();
            var model = normalize.Append(trainer).Fit(train);
            clock.Stop();
            Console.WriteLine($"| {data} | {name} | {metric} | {score(model.Transform(test)):0.0000} | {clock.Elapsed.TotalSeconds:0.0} |");
        }
    }

    private static (IDataView Train, IDataView Test) LoadNumeric(MLContext ml, string folder, int features, DataKind labelKind)
    {
        var options = new TextLoader.Options
        {
            HasHeader = true, Separators = [','], MissingRealsAsNaNs = true,
            Columns = [new TextLoader.Column("Features", DataKind.Single, 0, features - 1), new TextLoader.Column("Label", labelKind, features)],
        };
        foreach (var file in new[] { "train.csv", "test.csv" })
        {
            if (!File.Exists(Path.Combine(folder, file)))
                throw new FileNotFoundException($"'{Path.Combine(folder, file)}' not found; pass --data <folder holding spam/, satellite/ and diamonds/>.");
        }

        return (ml.Data.Cache(ml.Data.LoadFromTextFile(Path.Combine(folder, "train.csv"), options)),
                ml.Data.LoadFromTextFile(Path.Combine(folder, "test.csv"), options));
    }
}
