using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// What the binary, multiclass and regression neural-network trainers share: schema checks, packing, the validation split,
/// the training loop and the prediction transformer.
/// </summary>
public abstract class NeuralNetworkTrainerBase : IEstimator<NeuralNetworkPredictionTransformer>
{
    private readonly NeuralNetworkOptionsBase _options;
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Stores a validated copy of the options.</summary>
    private protected NeuralNetworkTrainerBase(NeuralNetworkOptionsBase validatedCopy, PredictionTask task, IProgress<TrainingProgress>? progress)
    {
        if (task == PredictionTask.Regression && validatedCopy.AdversarialTraining is not null)
            throw new ArgumentException("AdversarialTraining needs a classifier (binary or multiclass); set it to null for regression.",
                nameof(NeuralNetworkOptionsBase.AdversarialTraining));
        _options = validatedCopy;
        Task = task;
        _progress = progress;
    }

    /// <summary>The task this trainer serves.</summary>
    public PredictionTask Task { get; }

    /// <summary>Trains a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data (or <c>ValidationData</c>) is empty or holds NaN/∞, a
    /// label is invalid, every example weight is 0, or early-stopping patience has no validation rows to watch.</exception>
    /// <exception cref="InvalidOperationException">The training or validation loss diverged, or CUDA was asked for without a GPU.</exception>
    public NeuralNetworkPredictionTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains a network on <paramref name="input"/>, checking <paramref name="cancellationToken"/> while packing the rows and
    /// before every batch.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no native memory is left behind.</exception>
    public NeuralNetworkPredictionTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return FitCore(input, _options.ValidationData, nameof(NeuralNetworkOptionsBase.ValidationData), cancellationToken);
    }

    /// <summary>Trains a network on <paramref name="trainData"/> and measures the validation loss (early stopping, the kept epoch) on
    /// <paramref name="validationData"/>, as ML.NET's LightGBM trainers take a validation set: the same as setting
    /// <c>Options.ValidationData</c>, so <c>ValidationFraction</c> is ignored and no training row is held out.</summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">Rows with the same columns, never trained on; <c>null</c> trains as <see cref="Fit(IDataView)"/> does.</param>
    /// <exception cref="ArgumentException">As <see cref="Fit(IDataView)"/>; also when <paramref name="validationData"/> is given while
    /// <c>Options.ValidationData</c> is set too (give one of them).</exception>
    public NeuralNetworkPredictionTransformer Fit(IDataView trainData, IDataView? validationData) => Fit(trainData, validationData, CancellationToken.None);

    /// <summary>As <see cref="Fit(IDataView, IDataView)"/>, checking <paramref name="cancellationToken"/> while packing the rows and before every batch.</summary>
    /// <param name="trainData">The training rows.</param>
    /// <param name="validationData">Rows with the same columns, never trained on; <c>null</c> trains as <see cref="Fit(IDataView)"/> does.</param>
    /// <param name="cancellationToken">Cancels the fit; no native memory is left behind.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public NeuralNetworkPredictionTransformer Fit(IDataView trainData, IDataView? validationData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        return validationData is null
            ? FitCore(trainData, _options.ValidationData, nameof(NeuralNetworkOptionsBase.ValidationData), cancellationToken)
            : FitCore(trainData, TrainerValidation.Choose(validationData, _options.ValidationData), nameof(validationData), cancellationToken);
    }

    private NeuralNetworkPredictionTransformer FitCore(IDataView input, IDataView? validationView, string validationName, CancellationToken cancellationToken)
    {
        var o = _options;
        var (_, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        var all = DataPacker.Pack(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, cancellationToken: cancellationToken);
        TrainerSchema.CheckLabelVariety(all, Task, classCount, o.LabelColumnName);
        int seed = o.Seed ?? Random.Shared.Next();

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
            if (validation is null && o.EarlyStoppingPatience is { } patience)
                throw new ArgumentException(
                    $"ValidationFraction {o.ValidationFraction} holds out no row of the {all.RowCount} training rows, so EarlyStoppingPatience ({patience}) " +
                    "could never stop training. Raise ValidationFraction, give ValidationData, or set EarlyStoppingPatience = null.",
                    nameof(NeuralNetworkOptionsBase.ValidationFraction));
            if (validation is not null && o.ExampleWeightColumnName is { } weightColumn)
            {
                DataPacker.RequirePositiveWeight(train, weightColumn, "the training rows left after the validation split", nameof(NeuralNetworkOptionsBase.ValidationFraction));
                DataPacker.RequirePositiveWeight(validation, weightColumn, "the validation rows held out by ValidationFraction", nameof(NeuralNetworkOptionsBase.ValidationFraction));
            }
        }

        var result = new NeuralTrainingLoop(o, Task, classCount).Run(train, validation, seed, _progress, cancellationToken);
        try
        {
            var labelColumn = input.Schema[o.LabelColumnName];
            var model = new NeuralNetworkModelParameters(Task, result.Network.Architecture, result.Network.GetWeights(), result.History,
                result.BestEpoch, result.Seed, result.DeviceName, Task == PredictionTask.MulticlassClassification ? TrainerSchema.KeyNames(labelColumn, classCount) : null,
                result.AdversarialTraining);
            return new NeuralNetworkPredictionTransformer(model, result.Network, o.FeatureColumnName,
                Task == PredictionTask.MulticlassClassification ? labelColumn.Annotations : null);
        }
        catch
        {
            result.Network.Dispose();
            throw;
        }
    }

    /// <summary>The input columns plus the task's output columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TrainerSchema.GetOutputSchema(inputSchema, Task, _options.FeatureColumnName, _options.LabelColumnName);
}
