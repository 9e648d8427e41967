using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using static MLExtensions.Benchmarks.BenchmarkSupport;

namespace MLExtensions.Benchmarks.Boosting;

/// <summary>
/// GBNN with the reference implementation's settings (Options.Reference(), which were the defaults before issue #8), GBNN with
/// its defaults, and LightGBM with its defaults on the tabular sets of shared/data: diamonds (regression of ln(price)),
/// ames (regression of the raw Sale_Price in dollars, one-hot categoricals), spam (binary), churn-5% (wa_churn with its positives
/// subsampled to 5% of the rows, seed 8, in train and test alike; one-hot categoricals) and satellite (6 classes). Features are
/// standardized (centred and scaled) on the training rows; every model sees the same columns. Fit times include the
/// standardization.
/// </summary>
public static class GbnnBenchmark
{
    private static (double LearningRate, int UnitsPerStep, int TotalHiddenUnits)[] s_variants = [];
    private static bool s_baselines = true;
    private static bool s_networks;

    /// <summary>Seed of the churn-5% positive subsample (train and test).</summary>
    private const int ImbalancedSeed = 8;

    public static int Run(string[] args)
    {
        string root = Option(args, "--data") ?? Path.Combine(RepositoryRoot(), "..", "shared", "data");
        int seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        string? only = Option(args, "--only");
        // --variants "0.3:1:200,0.2:2:400": extra rows with the defaults but learning rate : units per step : total units.
        s_variants = (Option(args, "--variants") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split(':')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture))).ToArray();
        s_baselines = !args.Contains("--no-baselines");
        s_networks = args.Contains("--with-networks");
        var ml = new MLContext(seed: seed);
        Console.WriteLine($"GBNN benchmark; data under {Path.GetFullPath(root)}; {Environment.ProcessorCount} cores; seed {seed}");
        Console.WriteLine("| data | model | metric 1 | metric 2 | steps kept of trained | fit s |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        bool Wanted(string name) => only is null || only.Split(',').Contains(name);

        if (Wanted("diamonds"))
        {
            var train = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "train.csv")));
            var test = ml.Data.LoadFromEnumerable(Stacking.Diamond.Load(Path.Combine(root, "diamonds", "test.csv")));
            Regression(ml, "diamonds (ln price)", train, test, seed);
        }

        if (Wanted("ames"))
        {
            var (train, test) = TabularCsv.Load(Path.Combine(root, "ames"), "Sale_Price");
            Console.WriteLine($"ames: train {train.Count} rows, test {test.Count}, {train[0].X.Length} features");
            Regression(ml, "ames (Sale_Price, $)", TabularCsv.Regression(ml, train), TabularCsv.Regression(ml, test), seed);
        }

        if (Wanted("spam"))
        {
            var (train, test) = LoadNumeric(ml, Path.Combine(root, "spam"), features: 57, labelKind: DataKind.Boolean);
            Binary(ml, "spam", train, test, seed);
        }

        if (Wanted("churn-5%"))
        {
            var (train, test) = TabularCsv.Load(Path.Combine(root, "wa_churn"), "churn");
            var trainRows = TabularCsv.SubsamplePositives(train, 0.05, ImbalancedSeed);
            var testRows = TabularCsv.SubsamplePositives(test, 0.05, ImbalancedSeed);
            Console.WriteLine($"churn-5%: train {trainRows.Count} rows ({trainRows.Count(r => r.Y != 0)} positive), test {testRows.Count} ({testRows.Count(r => r.Y != 0)} positive), {trainRows[0].X.Length} features");
            Binary(ml, "churn-5%", TabularCsv.Binary(ml, trainRows), TabularCsv.Binary(ml, testRows), seed);
        }

        if (Wanted("satellite"))
        {
            var (train, test) = LoadNumeric(ml, Path.Combine(root, "satellite"), features: 36, labelKind: DataKind.String);
            var toKey = ml.Transforms.Conversion.MapValueToKey("Label");
            Compare(ml, "satellite", train, test,
            [
                (Reference, toKey.Append(ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(Seeded(GradientBoostedNeuralNetworkMulticlassTrainer.Options.Reference(), seed)))),
                ("GBNN defaults", toKey.Append(ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkMulticlassTrainer.Options { Seed = seed }))),
                ("LightGBM defaults", toKey.Append(ml.MulticlassClassification.Trainers.LightGbm())),
                .. Networks(() => toKey.Append(ml.MulticlassClassification.Trainers.NeuralNetwork(Shallow(new NeuralNetworkMulticlassTrainer.Options()))),
                            () => toKey.Append(ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { Seed = 1, NumberOfThreads = 2 }))),
                .. Variants(seed, o => toKey.Append(ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(Vary(new GradientBoostedNeuralNetworkMulticlassTrainer.Options(), o, seed)))),
            ], data =>
            {
                var m = ml.MulticlassClassification.Evaluate(data);
                return $"accuracy {m.MicroAccuracy:0.0000} | log-loss {m.LogLoss:0.0000}";
            });
        }

        return 0;
    }

    /// <summary>The row of the reference preset: the settings the defaults were before early stopping and the Newton cap.</summary>
    private const string Reference = "GBNN Options.Reference() (= the defaults before)";

    /// <summary>With --with-networks: a one-hidden-layer sigmoid network of 200 units trained by Adam, and the default network.</summary>
    private static IEnumerable<(string, IEstimator<ITransformer>)> Networks(Func<IEstimator<ITransformer>> shallow, Func<IEstimator<ITransformer>> defaults) =>
        s_networks
            ? [("NeuralNetwork [200] sigmoid, Adam 1e-3", shallow()), ("NeuralNetwork defaults ([64, 32] ReLU, AdamW)", defaults())]
            : [];

    private static T Shallow<T>(T options) where T : NeuralNetworkOptionsBase
    {
        options.HiddenLayerSizes = [200];
        options.Activation = ActivationKind.Sigmoid;
        options.Dropout = 0;
        options.Optimizer = new AdamSpec(LearningRate: 1e-3);
        options.Seed = 1;
        options.NumberOfThreads = 2;
        return options;
    }

    /// <summary>The rows of --variants, named by what differs from the defaults.</summary>
    private static IEnumerable<(string, IEstimator<ITransformer>)> Variants(int seed, Func<(double, int, int), IEstimator<ITransformer>> make) =>
        s_variants.Select(v => ($"GBNN defaults but η={v.LearningRate}, J={v.UnitsPerStep}, {v.TotalHiddenUnits} units", make(v)));

    private static T Vary<T>(T options, (double LearningRate, int UnitsPerStep, int TotalHiddenUnits) variant, int seed) where T : GradientBoostedNeuralNetworkOptionsBase
    {
        options.LearningRate = variant.LearningRate;
        options.UnitsPerStep = variant.UnitsPerStep;
        options.TotalHiddenUnits = variant.TotalHiddenUnits;
        return Seeded(options, seed);
    }

    private static T Seeded<T>(T options, int seed) where T : GradientBoostedNeuralNetworkOptionsBase
    {
        options.Seed = seed;
        return options;
    }

    /// <summary>The GBNN transformer at the end of a fitted pipeline (chains nest when an estimator chain is appended), or null.</summary>
    private static GradientBoostedNeuralNetworkPredictionTransformer? Gbnn(ITransformer transformer) => transformer switch
    {
        GradientBoostedNeuralNetworkPredictionTransformer g => g,
        IEnumerable<ITransformer> chain => chain.Select(Gbnn).LastOrDefault(g => g is not null),
        _ => null,
    };

    private static void Regression(MLContext ml, string name, IDataView train, IDataView test, int seed) =>
        Compare(ml, name, train, test,
        [
            (Reference, ml.Regression.Trainers.GradientBoostedNeuralNetwork(Seeded(GradientBoostedNeuralNetworkRegressionTrainer.Options.Reference(), seed))),
            ("GBNN defaults", ml.Regression.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkRegressionTrainer.Options { Seed = seed })),
            ("LightGBM defaults", ml.Regression.Trainers.LightGbm()),
            .. Networks(() => ml.Regression.Trainers.NeuralNetwork(Shallow(new NeuralNetworkRegressionTrainer.Options())),
                        () => ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { Seed = 1, NumberOfThreads = 2 })),
            .. Variants(seed, o => ml.Regression.Trainers.GradientBoostedNeuralNetwork(Vary(new GradientBoostedNeuralNetworkRegressionTrainer.Options(), o, seed))),
        ], data =>
        {
            var m = ml.Regression.Evaluate(data);
            return $"RMSE {m.RootMeanSquaredError:G5} | R² {m.RSquared:0.0000}";
        });

    private static void Binary(MLContext ml, string name, IDataView train, IDataView test, int seed) =>
        Compare(ml, name, train, test,
        [
            (Reference, ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Seeded(GradientBoostedNeuralNetworkBinaryTrainer.Options.Reference(), seed))),
            ("GBNN defaults", ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(new GradientBoostedNeuralNetworkBinaryTrainer.Options { Seed = seed })),
            ("LightGBM defaults", ml.BinaryClassification.Trainers.LightGbm()),
            .. Networks(() => ml.BinaryClassification.Trainers.NeuralNetwork(Shallow(new NeuralNetworkBinaryTrainer.Options())),
                        () => ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options { Seed = 1, NumberOfThreads = 2 })),
            .. Variants(seed, o => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Vary(new GradientBoostedNeuralNetworkBinaryTrainer.Options(), o, seed))),
        ], data =>
        {
            var m = ml.BinaryClassification.Evaluate(data);
            return $"AUC {m.AreaUnderRocCurve:0.0000} | log-loss {m.LogLoss:0.0000}";
        });

    private static void Compare(MLContext ml, string data, IDataView train, IDataView test,
                                (string Name, IEstimator<ITransformer> Trainer)[] models, Func<IDataView, string> score)
    {
        // fixZero: false centres as well as scales (scikit-learn's StandardScaler); ML.NET's default only scales.
        var normalize = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false);
        foreach (var (name, trainer) in models)
        {
            if (!s_baselines && !name.Contains(" but "))
            {
                continue;
            }

            var clock = Stopwatch.StartNew();
            var model = normalize.Append(trainer).Fit(train);
            clock.Stop();
            string steps = Gbnn(model) is { } gbnn ? $"{gbnn.StepsUsed} of {gbnn.Model.StepsTrained}" : "";
            Console.WriteLine($"| {data} | {name} | {score(model.Transform(test))} | {steps} | {clock.Elapsed.TotalSeconds:0.0} |");
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
                throw new FileNotFoundException($"'{Path.Combine(folder, file)}' not found; pass --data <folder holding the shared data sets>.");
        }

        return (ml.Data.Cache(ml.Data.LoadFromTextFile(Path.Combine(folder, "train.csv"), options)),
                ml.Data.LoadFromTextFile(Path.Combine(folder, "test.csv"), options));
    }
}
