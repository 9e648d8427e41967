using Microsoft.ML;

namespace MLExtensions;

/// <summary>What the regression, binary and multiclass GBNN trainers share: schema checks, packing, boosting, assembly.</summary>
public abstract class GradientBoostedNeuralNetworkTrainerBase : IEstimator<GradientBoostedNeuralNetworkPredictionTransformer>, IContextSeeded, IContextLogged
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

    void IContextSeeded.UseSeedIfUnset(int seed) => _options.Seed ??= seed;

    void IContextLogged.UseLog(Microsoft.ML.Runtime.IHostEnvironment environment) => _log = environment;

    /// <summary>The context whose log receives warnings, when this trainer was made from a catalog.</summary>
    private Microsoft.ML.Runtime.IHostEnvironment? _log;

    /// <summary>The task this trainer serves.</summary>
    public PredictionTask Task { get; }

    /// <summary>Boosts a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty or holds NaN/∞, or a label is invalid.</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>
    /// Boosts a network on <paramref name="input"/>, checking <paramref name="cancellationToken"/> before every step. With validation
    /// (the default), a seeded share of the rows is held out and the model keeps the steps up to the lowest validation loss.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Fit(IDataView)"/>; also when ValidationData does not match the training data,
    /// or ValidationFraction holds out no row.</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return FitCore(input, _options.ValidationData, nameof(GradientBoostedNeuralNetworkOptionsBase.ValidationData), cancellationToken);
    }

    /// <summary>Boosts a network on <paramref name="trainData"/> and measures the validation loss after every step (early stopping, the
    /// kept prefix) on <paramref name="validationData"/>, as ML.NET's LightGBM trainers take a validation set: the same as setting
    /// <c>Options.ValidationData</c>, so <c>ValidationFraction</c> is ignored and no training row is held out.</summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">Rows with the same columns, never trained on; <c>null</c> trains as <see cref="Fit(IDataView)"/> does.</param>
    /// <exception cref="ArgumentException">As <see cref="Fit(IDataView, CancellationToken)"/>; also when <paramref name="validationData"/>
    /// is given while <c>Options.ValidationData</c> is set too (give one of them).</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView trainData, IDataView? validationData) =>
        Fit(trainData, validationData, CancellationToken.None);

    /// <summary>As <see cref="Fit(IDataView, IDataView)"/>, checking <paramref name="cancellationToken"/> before every step.</summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">Rows with the same columns, never trained on; <c>null</c> trains as <see cref="Fit(IDataView)"/> does.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public GradientBoostedNeuralNetworkPredictionTransformer Fit(IDataView trainData, IDataView? validationData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        return validationData is null
            ? FitCore(trainData, _options.ValidationData, nameof(GradientBoostedNeuralNetworkOptionsBase.ValidationData), cancellationToken)
            : FitCore(trainData, TrainerValidation.Choose(validationData, _options.ValidationData), nameof(validationData), cancellationToken);
    }

    private GradientBoostedNeuralNetworkPredictionTransformer FitCore(IDataView input, IDataView? validationView, string validationName, CancellationToken cancellationToken)
    {
        var o = _options;
        var (_, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        var all = DataPacker.Pack(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, cancellationToken: cancellationToken);
        TrainerSchema.CheckLabelVariety(all, Task, classCount, o.LabelColumnName);
        FeatureScaleWarning.Report(_log, GetType().Name, all, o.FeatureColumnName);
        int outputs = Task == PredictionTask.MulticlassClassification ? classCount : 1;
        int seed = o.Seed ?? Random.Shared.Next();

        // Validation rows (held out or given) are never trained on; early stopping and the best prefix use them only.
        PackedData train = all;
        PackedData? validation = null;
        if (validationView is not null)
        {
            validation = DataPacker.PackValidationData(validationView, all, classCount, Task, o.FeatureColumnName, o.LabelColumnName,
                o.ExampleWeightColumnName, validationName, cancellationToken);
        }
        else if (o.ValidationFraction > 0)
        {
            (train, validation) = ValidationSplit.Split(all, o.ValidationFraction, Task != PredictionTask.Regression, seed);
            if (validation is null)
                throw new ArgumentException(
                    $"ValidationFraction {o.ValidationFraction} of {all.RowCount} rows holds out no row of some class or leaves none to train on; " +
                    "use more rows, pass ValidationData, or set ValidationFraction to 0 and EarlyStoppingPatience to null.",
                    nameof(GradientBoostedNeuralNetworkOptionsBase.ValidationFraction));
            TrainerSchema.CheckLabelVariety(train, Task, classCount, o.LabelColumnName);
            if (o.ExampleWeightColumnName is { } weightColumn)
            {
                DataPacker.RequirePositiveWeight(train, weightColumn, "the training rows left after the validation split", nameof(GradientBoostedNeuralNetworkOptionsBase.ValidationFraction));
                DataPacker.RequirePositiveWeight(validation, weightColumn, "the validation rows held out by ValidationFraction", nameof(GradientBoostedNeuralNetworkOptionsBase.ValidationFraction));
            }
        }

        // The neural trainers' target scaling: (weighted) mean and population sd of the training rows (a constant target is not rescaled).
        var target = Task == PredictionTask.Regression && o is GradientBoostedNeuralNetworkRegressionTrainer.Options { StandardizeTarget: true }
            ? TargetScaling(train.Labels, train.Weights)
            : (Mean: 0.0, Scale: 1.0);
        var rows = ToBoosting(train, target);
        var validationRows = validation is null ? (GbnnRows?)null : ToBoosting(validation, target);
        var (initial, steps, trained, work) = GbnnBoosting.Train(Task, rows, all.FeatureCount, outputs, o, seed, validationRows, target, _progress,
            cancellationToken);
        var label = input.Schema[o.LabelColumnName];
        var model = new GradientBoostedNeuralNetworkModelParameters(Task, all.FeatureCount, o.Activation, initial, steps, seed,
            Task == PredictionTask.MulticlassClassification ? TrainerSchema.KeyNames(label, classCount) : null, trained)
        {
            Work = work,
        };
        return new GradientBoostedNeuralNetworkPredictionTransformer(model, o.FeatureColumnName,
            Task == PredictionTask.MulticlassClassification ? label.Annotations : null, steps.Count);
    }

    /// <summary>Features in double precision, labels as boosting uses them ((standardized) values, ±1, or class indices) and the weights.</summary>
    private GbnnRows ToBoosting(PackedData data, (double Mean, double Scale) target) =>
        new(Array.ConvertAll(data.Features, v => (double)v), Task switch
        {
            PredictionTask.BinaryClassification => Array.ConvertAll(data.Labels, v => 2.0 * v - 1),
            PredictionTask.Regression => Array.ConvertAll(data.Labels, v => (v - target.Mean) / target.Scale),
            _ => Array.ConvertAll(data.Labels, v => (double)v),
        }, data.Weights is null ? null : Array.ConvertAll(data.Weights, v => (double)v));

    private static (double Mean, double Scale) TargetScaling(float[] labels, float[]? weights)
    {
        double mean = 0, sumSq = 0, total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double w = weights?[i] ?? 1;
            mean += w * labels[i];
            total += w;
        }

        mean /= total;
        for (int i = 0; i < labels.Length; i++) sumSq += (weights?[i] ?? 1) * (labels[i] - mean) * (labels[i] - mean);
        double sd = Math.Sqrt(sumSq / total);
        return (mean, sd > 1e-12 ? sd : 1.0);
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
