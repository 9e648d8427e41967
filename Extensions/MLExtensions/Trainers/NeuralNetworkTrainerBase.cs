using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Training;

namespace MLExtensions.Trainers;

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
        _options = validatedCopy;
        Task = task;
        _progress = progress;
    }

    /// <summary>The task this trainer serves.</summary>
    public PredictionTask Task { get; }

    /// <summary>Trains a network on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty or holds NaN/∞, or a label is invalid.</exception>
    /// <exception cref="InvalidOperationException">The loss diverged, or CUDA was asked for without a GPU.</exception>
    public NeuralNetworkPredictionTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains a network on <paramref name="input"/>, checking <paramref name="cancellationToken"/> before every batch.</summary>
    public NeuralNetworkPredictionTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var (_, classCount) = DataPacker.CheckSchema(input.Schema, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        var all = DataPacker.Pack(input, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        CheckLabelVariety(all, classCount);
        int seed = o.Seed ?? Random.Shared.Next();

        PackedData train = all;
        PackedData? validation = null;
        if (o.ValidationData is { } validationView)
        {
            var (validationFeatures, validationClasses) = DataPacker.CheckSchema(validationView.Schema, Task, o.FeatureColumnName,
                o.LabelColumnName, o.ExampleWeightColumnName);
            if (validationFeatures != all.FeatureCount || validationClasses != classCount)
                throw new ArgumentException(
                    $"ValidationData has {validationFeatures} features and {validationClasses} classes; the training data has {all.FeatureCount} and {classCount}.",
                    nameof(NeuralNetworkOptionsBase.ValidationData));
            validation = DataPacker.Pack(validationView, Task, o.FeatureColumnName, o.LabelColumnName, o.ExampleWeightColumnName);
        }
        else if (o.ValidationFraction > 0)
        {
            (train, validation) = ValidationSplit.Split(all, o.ValidationFraction, Task != PredictionTask.Regression, seed);
        }

        var result = new NeuralTrainingLoop(o, Task, classCount).Run(train, validation, seed, _progress, cancellationToken);
        var labelColumn = input.Schema[o.LabelColumnName];
        var model = new NeuralNetworkModelParameters(Task, result.Network.Architecture, result.Network.GetWeights(), result.History,
            result.BestEpoch, result.Seed, result.DeviceName, Task == PredictionTask.MulticlassClassification ? KeyNames(labelColumn, classCount) : null);
        return new NeuralNetworkPredictionTransformer(model, result.Network, o.FeatureColumnName, input,
            Task == PredictionTask.MulticlassClassification ? labelColumn.Annotations : null);
    }

    /// <summary>The input columns plus the task's output columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        if (!TryFindColumn(inputSchema, o.FeatureColumnName, out var features))
            throw new ArgumentException($"The feature column '{o.FeatureColumnName}' was not found.", nameof(inputSchema));
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{o.FeatureColumnName}': expected a known-size vector of Single, got {features.Kind} of {features.ItemType}.",
                nameof(inputSchema));
        if (!TryFindColumn(inputSchema, o.LabelColumnName, out var label))
            throw new ArgumentException($"The label column '{o.LabelColumnName}' was not found.", nameof(inputSchema));
        bool labelOk = Task switch
        {
            PredictionTask.BinaryClassification => label.ItemType == BooleanDataViewType.Instance && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            PredictionTask.MulticlassClassification => label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            _ => label.ItemType == NumberDataViewType.Single && label.Kind == SchemaShape.Column.VectorKind.Scalar,
        };
        if (!labelOk)
            throw new ArgumentException($"Schema mismatch for label column '{o.LabelColumnName}': expected {ExpectedLabel}, got {label.ItemType}.", nameof(inputSchema));
        var ml = new MLContext();
        var shapeSource = Task switch
        {
            PredictionTask.BinaryClassification => ml.Transforms.CustomMapping<NoInput, BinaryScoreRow>((_, _) => { }, null).GetOutputSchema(inputSchema),
            PredictionTask.Regression => ml.Transforms.CustomMapping<NoInput, RegressionScoreRow>((_, _) => { }, null).GetOutputSchema(inputSchema),
            _ => MulticlassShape(ml, inputSchema),
        };
        return shapeSource;
    }

    private static bool TryFindColumn(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    private string ExpectedLabel => Task switch
    {
        PredictionTask.BinaryClassification => "Boolean",
        PredictionTask.MulticlassClassification => "a key (use MapValueToKey)",
        _ => "Single",
    };

    private static SchemaShape MulticlassShape(MLContext ml, SchemaShape inputSchema)
    {
        var output = SchemaDefinition.Create(typeof(MulticlassScoreRow));
        output[nameof(MulticlassScoreRow.Score)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        output[nameof(MulticlassScoreRow.PredictedLabel)].ColumnType = new KeyDataViewType(typeof(uint), 2);
        return ml.Transforms.CustomMapping<NoInput, MulticlassScoreRow>((_, _) => { }, null, outputSchemaDefinition: output)
            .GetOutputSchema(inputSchema);
    }

    private void CheckLabelVariety(PackedData data, int classCount)
    {
        if (Task == PredictionTask.Regression) return;
        var distinct = new HashSet<float>(data.Labels);
        if (distinct.Count < 2)
        {
            string only = Task == PredictionTask.BinaryClassification ? (distinct.Single() == 1 ? "true" : "false") : $"key {distinct.Single() + 1}";
            throw new ArgumentException(
                $"Label column '{_options.LabelColumnName}' has a single class ({only}) in the training data; at least two are needed" +
                (Task == PredictionTask.MulticlassClassification ? $" (of the {classCount} keys)." : "."), "Label");
        }
    }

    /// <summary>The label's key values as invariant strings in key order, or "1".."K" when the label has none.</summary>
    private static IReadOnlyList<string> KeyNames(DataViewSchema.Column label, int classCount)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (annotation is not { Type: VectorDataViewType { ItemType: var item } })
            return Enumerable.Range(1, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var read = typeof(NeuralNetworkTrainerBase).GetMethod(nameof(ReadKeyValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        return (IReadOnlyList<string>)read.Invoke(null, [label.Annotations])!;
    }

    private static IReadOnlyList<string> ReadKeyValues<T>(DataViewSchema.Annotations annotations)
    {
        VBuffer<T> values = default;
        annotations.GetValue("KeyValues", ref values);
        return values.DenseValues().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    /// <summary>Input row with no columns, for borrowing output shapes.</summary>
    private sealed class NoInput { }
}
