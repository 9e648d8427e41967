using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// What the binary, multiclass and regression neural-network trainers share: schema checks, packing, the validation split,
/// the training loop and the prediction transformer.
/// </summary>
public abstract class NeuralNetworkTrainerBase : IEstimator<NeuralNetworkPredictionTransformer>, IContextSeeded, IContextLogged
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

    void IContextSeeded.UseSeedIfUnset(int seed) => _options.Seed ??= seed;

    void IContextLogged.UseLog(Microsoft.ML.Runtime.IHostEnvironment environment) => _log = environment;

    /// <summary>The context whose log receives warnings, when this trainer was made from a catalog.</summary>
    private Microsoft.ML.Runtime.IHostEnvironment? _log;

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
        var (featureCount, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        // Per-sample gradients (the adaptive batch policy) need dense inputs of the first layer.
        var sparse = o.SparseFeatures == SparseFeatureMode.Auto && o.BatchSizePolicy is AdaptiveBatchSize ? SparseFeatureMode.Dense : o.SparseFeatures;
        long budget = o.EffectiveMemoryBudgetBytes;
        var all = DataPacker.TryPack(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, sparse, budget,
            cancellationToken: cancellationToken);
        var (train, validation, seed) = all is null
            ? PrepareStreamed(input, validationView, validationName, featureCount, classCount, sparse, budget, cancellationToken)
            : PreparePacked(all, validationView, validationName, classCount, sparse, cancellationToken);
        if (all is not null) FeatureScaleWarning.Report(_log, GetType().Name, all, o.FeatureColumnName);

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

    private (TrainingRows Train, PackedData? Validation, int Seed) PreparePacked(PackedData all, IDataView? validationView, string validationName,
                                                                                 int classCount, SparseFeatureMode sparse, CancellationToken cancellationToken)
    {
        var o = _options;
        TrainerSchema.CheckLabelVariety(all, Task, classCount, o.LabelColumnName);
        int seed = o.Seed ?? Random.Shared.Next();

        PackedData train = all;
        PackedData? validation = null;
        if (validationView is not null)
        {
            validation = DataPacker.PackValidationData(validationView, all, classCount, Task, o.FeatureColumnName, o.LabelColumnName,
                o.ExampleWeightColumnName, validationName, sparse, cancellationToken);
        }
        else if (o.ValidationFraction > 0)
        {
            (train, validation) = ValidationSplit.Split(all, o.ValidationFraction, Task != PredictionTask.Regression, seed);
            if (validation is null) ThrowIfPatienceWithoutValidation(all.RowCount);
            if (validation is not null && o.ExampleWeightColumnName is { } weightColumn)
            {
                DataPacker.RequirePositiveWeight(train, weightColumn, "the training rows left after the validation split", nameof(NeuralNetworkOptionsBase.ValidationFraction));
                DataPacker.RequirePositiveWeight(validation, weightColumn, "the validation rows held out by ValidationFraction", nameof(NeuralNetworkOptionsBase.ValidationFraction));
            }
        }
        return (new PackedTrainingRows(train), validation, seed);
    }

    /// <summary>The rows would exceed the memory budget: reads the labels once, holds out and packs the validation rows, and streams the
    /// training rows in chunks.</summary>
    private (TrainingRows Train, PackedData? Validation, int Seed) PrepareStreamed(IDataView input, IDataView? validationView, string validationName,
        int featureCount, int classCount, SparseFeatureMode sparse, long budget, CancellationToken cancellationToken)
    {
        var o = _options;
        var (labels, weights) = DataPacker.ReadLabels(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, cancellationToken);
        var labelsOnly = new PackedData([], labels, weights, labels.Length, featureCount);
        TrainerSchema.CheckLabelVariety(labelsOnly, Task, classCount, o.LabelColumnName);
        int seed = o.Seed ?? Random.Shared.Next();

        bool[]? heldOut = null;
        float[] trainLabels = labels;
        PackedData? validation = null;
        if (validationView is not null)
        {
            validation = DataPacker.PackValidationData(validationView, labelsOnly, classCount, Task, o.FeatureColumnName, o.LabelColumnName,
                o.ExampleWeightColumnName, validationName, sparse, cancellationToken);
        }
        else if (o.ValidationFraction > 0)
        {
            var (trainRows, validationRows) = ValidationSplit.SplitRows(labels, o.ValidationFraction, Task != PredictionTask.Regression, seed);
            if (validationRows is null)
            {
                ThrowIfPatienceWithoutValidation(labels.Length);
            }
            else
            {
                PackedData LabelsOnly(int[] rows) => new([], rows.Select(r => labels[r]).ToArray(), rows.Select(r => weights![r]).ToArray(), rows.Length, featureCount);
                heldOut = new bool[labels.Length];
                foreach (int row in validationRows) heldOut[row] = true;
                if (o.ExampleWeightColumnName is { } weightColumn)
                {
                    DataPacker.RequirePositiveWeight(LabelsOnly(trainRows), weightColumn, "the training rows left after the validation split",
                        nameof(NeuralNetworkOptionsBase.ValidationFraction));
                    DataPacker.RequirePositiveWeight(LabelsOnly(validationRows), weightColumn, "the validation rows held out by ValidationFraction",
                        nameof(NeuralNetworkOptionsBase.ValidationFraction));
                }
                validation = DataPacker.TryPack(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, sparse, budget / 2,
                    cancellationToken: cancellationToken, rowFilter: heldOut) ?? throw new ArgumentException(
                        $"The {validationRows.Length} validation rows held out by ValidationFraction {o.ValidationFraction} do not fit half the memory budget " +
                        $"({budget:N0} bytes) while the training rows stream; lower ValidationFraction, give a smaller ValidationData, or raise MemoryBudgetBytes.",
                        nameof(NeuralNetworkOptionsBase.ValidationFraction));
                trainLabels = trainRows.Select(r => labels[r]).ToArray();
            }
        }

        // A chunk takes at most a quarter of the budget (two are held at once, plus their tensors), at least a batch, and one .NET array.
        long rowBytes = (long)featureCount * sizeof(float) + 2 * sizeof(float);
        long derived = Math.Clamp(budget / 4 / rowBytes, o.BatchSize, Array.MaxLength / featureCount);
        int chunkRows = (int)Math.Min(o.StreamingChunkRows ?? derived, Array.MaxLength / featureCount);
        return (new StreamedTrainingRows(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName, featureCount, classCount,
            heldOut, trainLabels, chunkRows, sparse), validation, seed);
    }

    private void ThrowIfPatienceWithoutValidation(int rows)
    {
        if (_options.EarlyStoppingPatience is { } patience)
            throw new ArgumentException(
                $"ValidationFraction {_options.ValidationFraction} holds out no row of the {rows} training rows, so EarlyStoppingPatience ({patience}) " +
                "could never stop training. Raise ValidationFraction, give ValidationData, or set EarlyStoppingPatience = null.",
                nameof(NeuralNetworkOptionsBase.ValidationFraction));
    }

    /// <summary>The input columns plus the task's output columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        TrainerSchema.GetOutputSchema(inputSchema, Task, _options.FeatureColumnName, _options.LabelColumnName);
}
