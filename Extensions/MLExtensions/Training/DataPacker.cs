using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Reads the feature, label and weight columns of an <see cref="IDataView"/> into a <see cref="PackedData"/>, checking them.</summary>
/// <remarks>Nothing is dropped silently: a NaN or infinite feature, a missing label or a non-positive weight throws, naming the column and row.</remarks>
internal static class DataPacker
{
    /// <summary>Checks the columns' presence and types and returns the feature count (and, for multiclass, the class count).</summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    public static (int FeatureCount, int ClassCount) CheckSchema(DataViewSchema schema, PredictionTask task, string featureColumn,
                                                                 string labelColumn, string? weightColumn)
    {
        var features = FindColumn(schema, featureColumn, "feature");
        if (features.Type is not VectorDataViewType { ItemType: var itemType, IsKnownSize: true, Size: > 0 } vector || itemType != NumberDataViewType.Single)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{featureColumn}': expected a known-size vector of Single, got {features.Type}. " +
                "Concatenate numeric columns into one vector (mlContext.Transforms.Concatenate) and convert them to Single.", nameof(TrainerOptionsBase.FeatureColumnName));
        var label = FindColumn(schema, labelColumn, "label");
        int classCount = 0;
        switch (task)
        {
            case PredictionTask.BinaryClassification when label.Type != BooleanDataViewType.Instance:
                throw new ArgumentException($"Schema mismatch for label column '{labelColumn}': expected Boolean, got {label.Type}.", nameof(TrainerOptionsBase.LabelColumnName));
            case PredictionTask.Regression when label.Type != NumberDataViewType.Single:
                throw new ArgumentException($"Schema mismatch for label column '{labelColumn}': expected Single, got {label.Type}.", nameof(TrainerOptionsBase.LabelColumnName));
            case PredictionTask.MulticlassClassification:
                if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count is 0 or > int.MaxValue)
                    throw new ArgumentException(
                        $"Schema mismatch for label column '{labelColumn}': expected a key of UInt32 with a known count, got {label.Type}. " +
                        "Use mlContext.Transforms.Conversion.MapValueToKey on the label.", nameof(TrainerOptionsBase.LabelColumnName));
                classCount = (int)key.Count;
                break;
        }
        if (weightColumn is not null)
        {
            var weight = FindColumn(schema, weightColumn, "weight");
            if (weight.Type != NumberDataViewType.Single)
                throw new ArgumentException($"Schema mismatch for weight column '{weightColumn}': expected Single, got {weight.Type}.", nameof(TrainerOptionsBase.ExampleWeightColumnName));
        }
        return (vector.Size, classCount);
    }

    /// <summary>Rows packed between two checks of the cancellation token.</summary>
    public const int CancellationCheckRows = 1024;

    /// <summary>
    /// Checks and packs a trainer's <c>ValidationData</c> as <see cref="Pack"/> does, with every message and the exception's parameter
    /// name naming <c>ValidationData</c>, and checks that it has the training data's feature count and classes.
    /// </summary>
    /// <param name="data">The validation data.</param>
    /// <param name="train">The packed training data it must match.</param>
    /// <param name="classCount">The training label's class count (0 unless multiclass).</param>
    /// <param name="task">Decides the label column's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckRows"/> rows.</param>
    /// <param name="option">Where the data came from, as messages and the parameter name give it: the option <c>ValidationData</c> or
    /// <c>Fit</c>'s parameter <c>validationData</c>.</param>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the features or classes differ from the training data's, or a
    /// row is invalid, as for <see cref="Pack"/>.</exception>
    public static PackedData PackValidationData(IDataView data, PackedData train, int classCount, PredictionTask task, string featureColumn,
                                                string labelColumn, string? weightColumn, string option = "ValidationData",
                                                CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int features, classes;
        try
        {
            (features, classes) = CheckSchema(data.Schema, task, featureColumn, labelColumn, weightColumn);
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"{option}: {message}", option, e);
        }

        if (features != train.FeatureCount || classes != classCount)
            throw new ArgumentException(
                $"{option} has {features} features and {classes} classes; the training data has {train.FeatureCount} and {classCount}.", option);
        return Pack(data, task, featureColumn, labelColumn, weightColumn, option, cancellationToken);
    }

    /// <summary>Packs every row; see <see cref="CheckSchema"/> for the column rules.</summary>
    /// <param name="data">The rows to pack.</param>
    /// <param name="task">Decides the label column's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="optionName">The option that holds <paramref name="data"/> (e.g. <c>ValidationData</c>): messages and the exception's
    /// parameter name use it; <c>null</c> means the training data.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckRows"/> rows.</param>
    /// <exception cref="ArgumentException">No rows, a non-finite feature, a missing or out-of-range label, a bad weight, or every weight 0.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static PackedData Pack(IDataView data, PredictionTask task, string featureColumn, string labelColumn, string? weightColumn,
                                  string? optionName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        string where = optionName ?? "the training data";
        string parameter = optionName ?? "input"; // the Fit parameter that holds the training rows
        var (featureCount, classCount) = CheckSchema(data.Schema, task, featureColumn, labelColumn, weightColumn);
        var featureCol = data.Schema[featureColumn];
        var labelCol = data.Schema[labelColumn];
        var columns = new List<DataViewSchema.Column> { featureCol, labelCol };
        DataViewSchema.Column? weightCol = weightColumn is null ? null : data.Schema[weightColumn];
        if (weightCol is { } wc) columns.Add(wc);

        long? knownRows = data.GetRowCount();
        var features = new List<float>(knownRows is { } n ? checked((int)(n * featureCount)) : 1024);
        var labels = new List<float>(knownRows is { } m ? (int)m : 1024);
        List<float>? weights = weightCol is null ? null : new List<float>();

        using var cursor = data.GetRowCursor(columns);
        var featureGetter = cursor.GetGetter<VBuffer<float>>(featureCol);
        ValueGetter<bool>? boolGetter = task == PredictionTask.BinaryClassification ? cursor.GetGetter<bool>(labelCol) : null;
        ValueGetter<uint>? keyGetter = task == PredictionTask.MulticlassClassification ? cursor.GetGetter<uint>(labelCol) : null;
        ValueGetter<float>? floatGetter = task == PredictionTask.Regression ? cursor.GetGetter<float>(labelCol) : null;
        ValueGetter<float>? weightGetter = weightCol is { } w ? cursor.GetGetter<float>(w) : null;
        VBuffer<float> buffer = default;
        long row = 0;
        double weightSum = 0;
        while (cursor.MoveNext())
        {
            if (row % CancellationCheckRows == 0) cancellationToken.ThrowIfCancellationRequested();
            featureGetter(ref buffer);
            if (buffer.Length != featureCount)
                throw new ArgumentException($"Feature column '{featureColumn}' has a vector of length {buffer.Length} at row {row} of {where}; expected {featureCount}.", parameter);
            int start = features.Count;
            if (buffer.IsDense)
                features.AddRange(buffer.GetValues());
            else
                foreach (float value in buffer.DenseValues())
                    features.Add(value);
            for (int j = start; j < features.Count; j++)
            {
                if (!float.IsFinite(features[j]))
                    throw new ArgumentException(
                        $"Feature column '{featureColumn}' has a {(float.IsNaN(features[j]) ? "NaN" : "infinite")} value at row {row}, slot {j - start} of {where}. " +
                        "Replace missing values first (mlContext.Transforms.ReplaceMissingValues) or filter the rows.", parameter);
            }
            float label;
            if (boolGetter is not null)
            {
                bool b = false;
                boolGetter(ref b);
                label = b ? 1f : 0f;
            }
            else if (keyGetter is not null)
            {
                uint key = 0;
                keyGetter(ref key);
                if (key == 0 || key > classCount)
                    throw new ArgumentException(
                        $"Label column '{labelColumn}' has key value {key} at row {row} of {where}; expected 1..{classCount} (0 means a missing label).", parameter);
                label = key - 1;
            }
            else
            {
                float f = 0;
                floatGetter!(ref f);
                if (!float.IsFinite(f))
                    throw new ArgumentException($"Label column '{labelColumn}' has a {(float.IsNaN(f) ? "NaN" : "infinite")} value at row {row} of {where}.", parameter);
                label = f;
            }
            labels.Add(label);
            if (weightGetter is not null)
            {
                float wt = 0;
                weightGetter(ref wt);
                if (!float.IsFinite(wt) || wt < 0)
                    throw new ArgumentException($"Weight column '{weightColumn}' has the value {wt} at row {row} of {where}; expected a finite number >= 0.", parameter);
                weights!.Add(wt);
                weightSum += wt;
            }
            row++;
        }
        if (row == 0)
            throw new ArgumentException(optionName is null ? "The training data has no rows." : $"{optionName} has no rows.", parameter);
        if (weights is not null && !(weightSum > 0))
            throw new ArgumentException(ZeroWeightsMessage(weightColumn!, where), parameter);
        return new PackedData(features.ToArray(), labels.ToArray(), weights?.ToArray(), (int)row, featureCount);
    }

    /// <summary>Throws when <paramref name="data"/> has weights and all of them are 0 (what <paramref name="where"/> names in the message).</summary>
    internal static void RequirePositiveWeight(PackedData data, string weightColumn, string where, string parameter)
    {
        if (data.Weights is { } weights && !weights.Any(w => w > 0))
            throw new ArgumentException(ZeroWeightsMessage(weightColumn, where), parameter);
    }

    private static string ZeroWeightsMessage(string weightColumn, string where) =>
        $"Weight column '{weightColumn}' is 0 on every row of {where}: at least one row needs a positive weight (rows of weight 0 do not count).";

    private static DataViewSchema.Column FindColumn(DataViewSchema schema, string name, string role)
    {
        // The ParamName rule (README, Contributing): the option that names the column.
        string option = role switch
        {
            "feature" => nameof(TrainerOptionsBase.FeatureColumnName),
            "label" => nameof(TrainerOptionsBase.LabelColumnName),
            _ => nameof(TrainerOptionsBase.ExampleWeightColumnName),
        };
        ArgumentNullException.ThrowIfNull(name, option);
        return schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"The {role} column '{name}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.", option);
    }
}
