using Microsoft.ML;

namespace MLExtensions.AutoML;

#pragma warning disable CA1822 // catalog methods are instance members reached through mlContext.AutoML(), as in ML.NET

/// <summary>The neural sweepables and their default space (documented in <c>AutoMLIntegration/README.md</c>).</summary>
public sealed partial class AutoMLCatalog
{
    /// <summary>The relative cost prior of the neural trainers (our estimate; SDCA = 1).</summary>
    public const double NeuralNetworkCostPrior = 10;

    /// <summary>The default space of the neural trainers: optimizer one-of over the registry (each optimizer's own
    /// ranges, learning rate on a log scale), schedule one-of (<paramref name="expectedTotalSteps"/> scales step
    /// counts), BatchSize {16, 32, 64, 128, 256} (64), Epochs [5, 100] log (50), HiddenWidth [8, 512] log (64),
    /// HiddenDepth [1, 4] (2), Dropout [0, 0.5] (0.1), WeightDecay [0, 0.1] (0), Normalization (None), Activation (ReLU).</summary>
    public static SearchSpace NeuralNetworkSearchSpace(long expectedTotalSteps = 1000) => new()
    {
        ["Optimizer"] = new OptimizerSearchSpace().Option,
        ["LearningRateSchedule"] = new LearningRateScheduleSearchSpace(expectedTotalSteps).Option,
        ["BatchSize"] = new ChoiceOption([16, 32, 64, 128, 256], 64),
        ["Epochs"] = new UniformIntOption(5, 100, logBase: true, defaultValue: 50),
        ["HiddenWidth"] = new UniformIntOption(8, 512, logBase: true, defaultValue: 64),
        ["HiddenDepth"] = new UniformIntOption(1, 4, defaultValue: 2),
        ["Dropout"] = new UniformDoubleOption(0, 0.5, defaultValue: 0.1),
        ["WeightDecay"] = new UniformDoubleOption(0, 0.1, defaultValue: 0),
        ["Normalization"] = new ChoiceOption(Enum.GetValues<NormalizationKind>().Cast<object>().ToArray(), NormalizationKind.None),
        ["Activation"] = new ChoiceOption(Enum.GetValues<ActivationKind>().Cast<object>().ToArray(), ActivationKind.ReLU),
    };

    /// <summary>The neural binary classifier over <see cref="NeuralNetworkSearchSpace"/>.</summary>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="seed">The trainer seed (null: the next seed of the trial's <see cref="MLContext"/>, which the experiment seeds per trial).</param>
    /// <param name="expectedTotalSteps">The expected optimizer steps per trial, the scale of schedule step counts.</param>
    public SweepableEstimator NeuralNetworkBinary(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null, long expectedTotalSteps = 1000) =>
        Neural((ctx, p) => ctx.BinaryClassification.Trainers.NeuralNetwork(ApplyNeuralNetworkParameter(new NeuralNetworkBinaryTrainer.Options(), p, labelColumnName, featureColumnName, seed, expectedTotalSteps), TrialScope.TrainingProgress), "NeuralNetworkBinary", expectedTotalSteps);

    /// <summary>The neural multiclass classifier (key-typed label) over <see cref="NeuralNetworkSearchSpace"/>.</summary>
    /// <inheritdoc cref="NeuralNetworkBinary"/>
    public SweepableEstimator NeuralNetworkMulticlass(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null, long expectedTotalSteps = 1000) =>
        Neural((ctx, p) => ctx.MulticlassClassification.Trainers.NeuralNetwork(ApplyNeuralNetworkParameter(new NeuralNetworkMulticlassTrainer.Options(), p, labelColumnName, featureColumnName, seed, expectedTotalSteps), TrialScope.TrainingProgress), "NeuralNetworkMulticlass", expectedTotalSteps);

    /// <summary>The neural regressor over <see cref="NeuralNetworkSearchSpace"/>.</summary>
    /// <inheritdoc cref="NeuralNetworkBinary"/>
    public SweepableEstimator NeuralNetworkRegression(string labelColumnName = ColumnNames.Label, string featureColumnName = ColumnNames.Features, int? seed = null, long expectedTotalSteps = 1000) =>
        Neural((ctx, p) => ctx.Regression.Trainers.NeuralNetwork(ApplyNeuralNetworkParameter(new NeuralNetworkRegressionTrainer.Options(), p, labelColumnName, featureColumnName, seed, expectedTotalSteps), TrialScope.TrainingProgress), "NeuralNetworkRegression", expectedTotalSteps);

    private static SweepableEstimator Neural(Func<MLContext, Parameter, IEstimator<ITransformer>> build, string name, long expectedTotalSteps) =>
        new(build, NeuralNetworkSearchSpace(expectedTotalSteps), name, NeuralNetworkCostPrior);

    /// <summary>Sets <paramref name="options"/> from a parameter of <see cref="NeuralNetworkSearchSpace"/> (a missing key keeps
    /// <see cref="NeuralNetworkOption"/>'s default); used by the sweepables and by the benchmark, which searches this space
    /// without <c>Epochs</c>.</summary>
    internal static T ApplyNeuralNetworkParameter<T>(T options, Parameter p, string label, string features, int? seed, long expectedTotalSteps)
        where T : NeuralNetworkOptionsBase
    {
        var o = p.AsType<NeuralNetworkOption>();
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.Seed = seed;
        options.NumberOfThreads = TrialScope.NumberOfThreads ?? options.NumberOfThreads;
        options.BatchSize = o.BatchSize;
        options.Epochs = o.Epochs;
        options.HiddenLayerSizes = Enumerable.Repeat(o.HiddenWidth, o.HiddenDepth).ToArray();
        options.Dropout = o.Dropout;
        options.WeightDecay = o.WeightDecay;
        options.Normalization = o.Normalization;
        options.Activation = o.Activation;
        options.Optimizer = new OptimizerSearchSpace().ToSpec(p["Optimizer"]);
        options.LearningRateSchedule = new LearningRateScheduleSearchSpace(expectedTotalSteps).ToSpec(p["LearningRateSchedule"]);
        return options;
    }
}
#pragma warning restore CA1822
