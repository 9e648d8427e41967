using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Schema rules every MLExtensions trainer shares: the output columns per task, the single-class check and the class names
/// of a key label.
/// </summary>
internal static class TrainerSchema
{
    /// <summary>The input columns plus the task's output columns.</summary>
    /// <exception cref="ArgumentException">A required column is missing or has the wrong kind or type.</exception>
    public static SchemaShape GetOutputSchema(SchemaShape inputSchema, PredictionTask task, string featureColumn, string labelColumn)
    {
        if (!TryFindColumn(inputSchema, featureColumn, out var features))
            throw new ArgumentException($"The feature column '{featureColumn}' was not found.", nameof(inputSchema));
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{featureColumn}': expected a known-size vector of Single, got {features.Kind} of {features.ItemType}.",
                nameof(inputSchema));
        if (!TryFindColumn(inputSchema, labelColumn, out var label))
            throw new ArgumentException($"The label column '{labelColumn}' was not found.", nameof(inputSchema));
        bool labelOk = task switch
        {
            PredictionTask.BinaryClassification => label.ItemType == BooleanDataViewType.Instance && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            PredictionTask.MulticlassClassification => label.IsKey && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            _ => label.ItemType == NumberDataViewType.Single && label.Kind == SchemaShape.Column.VectorKind.Scalar,
        };
        if (!labelOk)
            throw new ArgumentException($"Schema mismatch for label column '{labelColumn}': expected {ExpectedLabel(task)}, got {label.ItemType}.", nameof(inputSchema));
        var ml = new MLContext();
        var shapeSource = task switch
        {
            PredictionTask.BinaryClassification => ml.Transforms.CustomMapping<NoInput, BinaryScoreRow>((_, _) => { }, null).GetOutputSchema(inputSchema),
            PredictionTask.Regression => ml.Transforms.CustomMapping<NoInput, RegressionScoreRow>((_, _) => { }, null).GetOutputSchema(inputSchema),
            _ => MulticlassShape(ml, inputSchema, label),
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

    private static string ExpectedLabel(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => "Boolean",
        PredictionTask.MulticlassClassification => "a key (use MapValueToKey)",
        _ => "Single",
    };

    /// <summary>
    /// The multiclass output shape. As ML.NET's trainers declare it, <c>PredictedLabel</c> carries the label's <c>KeyValues</c> (so a
    /// pipeline can end with <c>MapKeyToValue("PredictedLabel")</c>) and, for text key values, <c>Score</c> carries <c>SlotNames</c>.
    /// A shape holds only the annotations' kinds and types, so placeholders of the label's key-value type stand in for the values.
    /// </summary>
    private static SchemaShape MulticlassShape(MLContext ml, SchemaShape inputSchema, SchemaShape.Column label)
    {
        var output = SchemaDefinition.Create(typeof(MulticlassScoreRow));
        var score = output[nameof(MulticlassScoreRow.Score)];
        score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2);
        var predicted = output[nameof(MulticlassScoreRow.PredictedLabel)];
        predicted.ColumnType = new KeyDataViewType(typeof(uint), 2);
        if (TryFindColumn(label.Annotations, KeyValuesAnnotation.Kind, out var keyValues) && keyValues.ItemType is PrimitiveDataViewType itemType)
        {
            KeyValuesAnnotation.AddPlaceholder(predicted, itemType, 2);
            if (itemType is TextDataViewType)
                score.AddAnnotation("SlotNames", new VBuffer<ReadOnlyMemory<char>>(2, [default, default]), new VectorDataViewType(TextDataViewType.Instance, 2));
        }

        return ml.Transforms.CustomMapping<NoInput, MulticlassScoreRow>((_, _) => { }, null, outputSchemaDefinition: output)
            .GetOutputSchema(inputSchema);
    }

    /// <summary>Throws when a classification label has a single class in the training data.</summary>
    public static void CheckLabelVariety(PackedData data, PredictionTask task, int classCount, string labelColumn)
    {
        if (task == PredictionTask.Regression) return;
        var distinct = new HashSet<float>(data.Labels);
        if (distinct.Count < 2)
        {
            string only = task == PredictionTask.BinaryClassification ? (distinct.Single() == 1 ? "true" : "false") : $"key {distinct.Single() + 1}";
            throw new ArgumentException(
                $"Label column '{labelColumn}' has a single class ({only}) in the training data; at least two are needed" +
                (task == PredictionTask.MulticlassClassification ? $" (of the {classCount} keys)." : "."), "Label");
        }
    }

    /// <summary>The class names of a key label: its key values as invariant text in key order, or 1 … classCount without them.</summary>
    public static IReadOnlyList<string> KeyNames(DataViewSchema.Column label, int classCount) =>
        KeyValuesAnnotation.ReadAsText(label.Annotations)
        ?? Enumerable.Range(1, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Input row with no columns, for borrowing output shapes.</summary>
    private sealed class NoInput { }
}
