using Microsoft.ML;
using MLExtensions.Networks;
using MLExtensions.Trainers;
using MLExtensions.Training;

namespace MLExtensions.Boosting;

/// <summary>What the regression, binary and multiclass GBNN trainers share: schema checks, packing, boosting, assembly.</summary>
public abstract class GradientBoostedNeuralNetworkTrainerBase : IEstimator<GradientBoostedNeuralNetworkPredictionTransformer>
{
    private readonly GradientBoostedNeuralNetworkOptionsBase _options;
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Stores a validated copy of the options.</summary>
    private protected GradientBoostedNeuralNetworkTrainerBase(GradientBoostedNeuralNetworkOptionsBase validatedCopy, PredictionTask task,
                                                              IProgress<TrainingProgress>? progress)
    {
        _options = validatedCopy;
        Task = task;
        _progress = progress;
    }

    /// <summary>The task this trainer serves.</summary>
    public PredictionTask Task { get; }

    /// <summary>Boosts a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty or holds NaN/∞, or a label is invalid.</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Boosts a network on <paramref name="input"/>, checking <paramref name="cancellationToken"/> before every step.</summary>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var data = DataPacker.Pack(input, Task, o.FeatureColumnName, o.LabelColumnName, weightColumn: null);
        var (_, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, null);
        TrainerSchema.CheckLabelVariety(data, Task, classCount, o.LabelColumnName);
        int outputs = Task == PredictionTask.MulticlassClassification ? classCount : 1;
        var x = Array.ConvertAll(data.Features, v => (double)v);
        var y = Task == PredictionTask.BinaryClassification
            ? Array.ConvertAll(data.Labels, v => 2.0 * v - 1)
            : Array.ConvertAll(data.Labels, v => (double)v);
        int seed = o.Seed ?? Random.Shared.Next();
        var (initial, steps) = GbnnBoosting.Train(Task, x, y, data.FeatureCount, outputs, o, seed, _progress, cancellationToken);
        var label = input.Schema[o.LabelColumnName];
        var model = new GradientBoostedNeuralNetworkModelParameters(Task, data.FeatureCount, o.Activation, initial, steps, seed,
            Task == PredictionTask.MulticlassClassification ? TrainerSchema.KeyNames(label, classCount) : null);
        return new GradientBoostedNeuralNetworkPredictionTransformer(model, o.FeatureColumnName, input,
            Task == PredictionTask.MulticlassClassification ? label.Annotations : null, steps.Count);
    }

    /// <summary>The input columns plus the task's output columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TrainerSchema.GetOutputSchema(inputSchema, Task, _options.FeatureColumnName, _options.LabelColumnName);

    /// <summary>Copies and validates options of a derived trainer.</summary>
    private protected static T ValidatedCopy<T>(T options, Func<T, T> clone) where T : GradientBoostedNeuralNetworkOptionsBase
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = clone(options);
        copy.Validate();
        return copy;
    }
}
