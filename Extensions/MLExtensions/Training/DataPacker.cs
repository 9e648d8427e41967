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
                                                CancellationToken cancellationToken = default) =>
        PackValidationData(data, train, classCount, task, featureColumn, labelColumn, weightColumn, option, SparseFeatureMode.Dense, cancellationToken);

    /// <summary>As <see cref="PackValidationData(IDataView, PackedData, int, PredictionTask, string, string, string?, string, CancellationToken)"/>,
    /// packing the features as <paramref name="sparse"/> says.</summary>
    /// <param name="data">The validation data.</param>
    /// <param name="train">The packed training data it must match.</param>
    /// <param name="classCount">The training label's class count (0 unless multiclass).</param>
    /// <param name="task">Decides the label column's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="option">Where the data came from, for messages.</param>
    /// <param name="sparse">Whether the features are packed dense or as compressed sparse rows.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckRows"/> rows.</param>
    public static PackedData PackValidationData(IDataView data, PackedData train, int classCount, PredictionTask task, string featureColumn,
                                                string labelColumn, string? weightColumn, string option, SparseFeatureMode sparse,
                                                CancellationToken cancellationToken)
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
            throw new ArgumentException(task == PredictionTask.MulticlassClassification
                ? $"{option} has {features} features and {classes} classes; the training data has {train.FeatureCount} and {classCount}."
                : $"{option} has {features} features; the training data has {train.FeatureCount}.", option);
        return Pack(data, task, featureColumn, labelColumn, weightColumn, option, sparse, cancellationToken);
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
    /// <param name="sparse">Whether the features are packed dense or as compressed sparse rows.</param>
    /// <exception cref="ArgumentException">No rows, a non-finite feature, a missing or out-of-range label, a bad weight, every weight 0,
    /// or dense rows beyond the largest .NET array.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static PackedData Pack(IDataView data, PredictionTask task, string featureColumn, string labelColumn, string? weightColumn,
                                  string? optionName = null, SparseFeatureMode sparse = SparseFeatureMode.Dense,
                                  CancellationToken cancellationToken = default) =>
        TryPack(data, task, featureColumn, labelColumn, weightColumn, sparse, budgetBytes: null, optionName, cancellationToken: cancellationToken)!;

    /// <summary>As <see cref="Pack"/>, but gives up and returns <c>null</c> as soon as the packed rows would take more than
    /// <paramref name="budgetBytes"/> bytes (or dense rows would not fit one .NET array): the caller then streams them.</summary>
    /// <param name="data">The rows to pack.</param>
    /// <param name="task">Decides the label column's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="sparse">Whether the features are packed dense or as compressed sparse rows (<see cref="SparseFeatureMode.Auto"/>:
    /// sparse when the first row is a sparse vector and the density stays at most <see cref="NeuralNetworkOptionsBase.SparseDensityThreshold"/>).</param>
    /// <param name="budgetBytes">The most bytes the packed rows may take, or <c>null</c> for no limit.</param>
    /// <param name="optionName">As for <see cref="Pack"/>.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckRows"/> rows.</param>
    /// <param name="rowFilter">Per row of the view, whether it is packed (rows beyond its end are not), or <c>null</c> for every row.</param>
    public static PackedData? TryPack(IDataView data, PredictionTask task, string featureColumn, string labelColumn, string? weightColumn,
                                      SparseFeatureMode sparse, long? budgetBytes, string? optionName = null, bool[]? rowFilter = null,
                                      CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        cancellationToken.ThrowIfCancellationRequested();
        var (featureCount, classCount) = CheckSchema(data.Schema, task, featureColumn, labelColumn, weightColumn);
        long budget = budgetBytes ?? long.MaxValue;
        long? knownRows = rowFilter is null ? data.GetRowCount() : rowFilter.Count(keep => keep);
        bool hasWeights = weightColumn is not null;
        long bytesPerRowBesidesFeatures = sizeof(float) * (hasWeights ? 2 : 1);
        using var reader = new PackingCursor(data, task, featureColumn, labelColumn, weightColumn, featureCount, classCount, optionName);

        float[] labels = new float[Math.Clamp(knownRows ?? 1024, 1, Array.MaxLength)];
        float[]? weights = hasWeights ? new float[labels.Length] : null;
        float[] dense = [];
        long[] rowStarts = [];
        int[] indices = [];
        float[] values = [];
        bool? packSparse = null;
        long nonZeros = 0;
        int row = 0;
        double weightSum = 0;
        VBuffer<float> buffer = default;
        long sourceRow = -1;
        while (reader.MoveNext())
        {
            sourceRow++;
            if (rowFilter is not null && (sourceRow >= rowFilter.Length || !rowFilter[sourceRow])) continue;
            if (row % CancellationCheckRows == 0) cancellationToken.ThrowIfCancellationRequested();
            if (row == Array.MaxLength)
                throw new ArgumentException($"{reader.Where} has more than {Array.MaxLength:N0} rows, more than one fit can pack; subsample it.", reader.Parameter);
            reader.ReadFeatures(ref buffer, sourceRow);
            if (packSparse is null)
            {
                packSparse = sparse == SparseFeatureMode.Sparse || (sparse == SparseFeatureMode.Auto && !buffer.IsDense);
                if (packSparse == false)
                {
                    long rows = knownRows ?? 1024;
                    long size = rows * featureCount;
                    if (knownRows is not null && (size > Array.MaxLength || size * sizeof(float) + rows * bytesPerRowBesidesFeatures > budget))
                    {
                        if (budgetBytes is null) throw TooWideForDense(reader, rows, featureCount);
                        return null;
                    }
                    // Without a row count, start with 1,024 rows (or what the budget holds) and grow.
                    dense = new float[Math.Max(featureCount, Math.Min(size, Math.Min(Array.MaxLength, budget / sizeof(float))))];
                }
                else
                {
                    rowStarts = new long[Math.Min((knownRows ?? 1024) + 1, Array.MaxLength)];
                    indices = new int[1024];
                    values = new float[1024];
                }
            }

            if (row == labels.Length)
            {
                Grow(ref labels, row + 1L);
                if (weights is not null) Grow(ref weights, row + 1L);
            }
            (labels[row], float weight) = reader.ReadLabelAndWeight(sourceRow);
            if (weights is not null)
            {
                weights[row] = weight;
                weightSum += weight;
            }

            if (packSparse == true)
            {
                if (row + 1 >= rowStarts.Length) Grow(ref rowStarts, row + 2L);
                var rowValues = buffer.GetValues();
                if (buffer.IsDense)
                {
                    for (int j = 0; j < rowValues.Length; j++)
                    {
                        if (rowValues[j] == 0) continue;
                        Append(ref indices, ref values, ref nonZeros, j, rowValues[j]);
                    }
                }
                else
                {
                    var rowIndices = buffer.GetIndices();
                    if (nonZeros + rowValues.Length > indices.Length)
                    {
                        Grow(ref indices, nonZeros + rowValues.Length);
                        Grow(ref values, nonZeros + rowValues.Length);
                    }
                    rowIndices.CopyTo(indices.AsSpan((int)nonZeros));
                    rowValues.CopyTo(values.AsSpan((int)nonZeros));
                    nonZeros += rowValues.Length;
                }
                rowStarts[row + 1] = nonZeros;
                long bytes = (row + 2L) * sizeof(long) + nonZeros * (sizeof(int) + sizeof(float)) + (row + 1L) * bytesPerRowBesidesFeatures;
                if (bytes > budget) return null;
            }
            else
            {
                long offset = (long)row * featureCount;
                if (offset + featureCount > dense.Length)
                {
                    long needed = offset + featureCount;
                    if (needed > Array.MaxLength || needed * sizeof(float) + (row + 1L) * bytesPerRowBesidesFeatures > budget)
                    {
                        if (budgetBytes is null) throw TooWideForDense(reader, row + 1L, featureCount);
                        return null;
                    }
                    // Doubling, but never past the budget or the largest array.
                    long size = Math.Max(needed, Math.Min(Math.Min(Array.MaxLength, 2L * dense.Length), budget / sizeof(float)));
                    Array.Resize(ref dense, (int)size);
                }
                var target = dense.AsSpan((int)offset, featureCount);
                if (buffer.IsDense)
                {
                    buffer.GetValues().CopyTo(target);
                }
                else
                {
                    // A grown or fresh array is zero beyond the rows packed so far: only the explicit values are written.
                    var rowIndices = buffer.GetIndices();
                    var rowValues = buffer.GetValues();
                    for (int k = 0; k < rowValues.Length; k++) target[rowIndices[k]] = rowValues[k];
                }
            }
            row++;
        }
        if (row == 0)
            throw new ArgumentException(optionName is null ? "The training data has no rows." : $"{optionName} has no rows.", reader.Parameter);
        if (weights is not null && !(weightSum > 0))
            throw new ArgumentException(ZeroWeightsMessage(weightColumn!, reader.Where), reader.Parameter);
        if (labels.Length != row) Array.Resize(ref labels, row);
        if (weights is not null && weights.Length != row) Array.Resize(ref weights, row);
        if (packSparse == false)
        {
            if (dense.LongLength != (long)row * featureCount) Array.Resize(ref dense, row * featureCount);
            return new PackedData(dense, labels, weights, row, featureCount);
        }

        Array.Resize(ref rowStarts, row + 1);
        Array.Resize(ref indices, (int)nonZeros);
        Array.Resize(ref values, (int)nonZeros);
        var packed = new PackedData([], labels, weights, row, featureCount) { Sparse = new SparseRows(rowStarts, indices, values) };
        double density = (double)nonZeros / ((double)row * featureCount);
        long denseSize = (long)row * featureCount;
        if (sparse == SparseFeatureMode.Auto && density > NeuralNetworkOptionsBase.SparseDensityThreshold && denseSize <= Array.MaxLength &&
            denseSize * sizeof(float) + row * bytesPerRowBesidesFeatures <= budget)
            return packed.ToDense();
        return packed;
    }

    /// <summary>Reads and checks every row's label and weight, without the features (the first pass of a streamed fit).</summary>
    /// <param name="data">The rows.</param>
    /// <param name="task">Decides the label column's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckRows"/> rows.</param>
    /// <returns>The labels as <see cref="PackedData"/> holds them, and the weights (or <c>null</c>).</returns>
    /// <exception cref="ArgumentException">No rows, a bad label or weight, or every weight 0.</exception>
    public static (float[] Labels, float[]? Weights) ReadLabels(IDataView data, PredictionTask task, string featureColumn, string labelColumn,
                                                                string? weightColumn, CancellationToken cancellationToken = default)
    {
        var (featureCount, classCount) = CheckSchema(data.Schema, task, featureColumn, labelColumn, weightColumn);
        using var reader = new PackingCursor(data, task, featureColumn, labelColumn, weightColumn, featureCount, classCount, null, readFeatures: false);
        var labels = new List<float>();
        List<float>? weights = weightColumn is null ? null : [];
        double weightSum = 0;
        while (reader.MoveNext())
        {
            if (labels.Count % CancellationCheckRows == 0) cancellationToken.ThrowIfCancellationRequested();
            if (labels.Count == Array.MaxLength)
                throw new ArgumentException($"{reader.Where} has more than {Array.MaxLength:N0} rows, more than one fit can train on; subsample it.", reader.Parameter);
            var (label, weight) = reader.ReadLabelAndWeight(labels.Count);
            labels.Add(label);
            weights?.Add(weight);
            weightSum += weight;
        }
        if (labels.Count == 0) throw new ArgumentException("The training data has no rows.", reader.Parameter);
        if (weights is not null && !(weightSum > 0)) throw new ArgumentException(ZeroWeightsMessage(weightColumn!, reader.Where), reader.Parameter);
        return (labels.ToArray(), weights?.ToArray());
    }

    private static ArgumentException TooWideForDense(PackingCursor reader, long rows, int featureCount) => new(
        $"{reader.Where} needs {rows:N0} rows × {featureCount:N0} features = {rows * featureCount:N0} dense values, more than one .NET array " +
        $"holds ({Array.MaxLength:N0}). Keep sparse rows sparse (SparseFeatures = Auto or Sparse), or let a neural trainer stream them (MemoryBudgetBytes).",
        reader.Parameter);

    private static void Append(ref int[] indices, ref float[] values, ref long count, int index, float value)
    {
        if (count == indices.Length)
        {
            Grow(ref indices, count + 1);
            Grow(ref values, count + 1);
        }
        indices[count] = index;
        values[count] = value;
        count++;
    }

    /// <summary>Doubles <paramref name="array"/> (up to the largest .NET array) until it holds <paramref name="needed"/> items.</summary>
    /// <exception cref="ArgumentException">More than the largest .NET array is needed.</exception>
    private static void Grow<T>(ref T[] array, long needed)
    {
        if (needed > Array.MaxLength)
            throw new ArgumentException($"The packed rows need {needed:N0} values in one array; at most {Array.MaxLength:N0} fit. Subsample the data.");
        long size = Math.Max(needed, Math.Min(Array.MaxLength, Math.Max(16L, 2L * array.LongLength)));
        Array.Resize(ref array, (int)size);
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
