using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Builds the native ML.NET scoring step for a fitted <see cref="StackingModel"/>.</summary>
internal static class StackingScoring
{
    /// <summary>Concatenate the prediction columns into one vector, then a CustomMapping that evaluates the model.</summary>
    public static IEstimator<ITransformer> Estimator(MLContext ml, StackingModel? model, IReadOnlyList<string> predictionColumns, StackingTask task)
    {
        var concat = ml.Transforms.Concatenate(StackingColumnNames.BasePredictions, predictionColumns.ToArray());
        var inputDefinition = SchemaDefinition.Create(typeof(StackingMappingInput));
        inputDefinition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, predictionColumns.Count);
        int k = predictionColumns.Count;
        if (task == StackingTask.Regression)
        {
            Action<StackingMappingInput, StackingRegressionOutput> map = (input, output) =>
            {
                Span<double> row = stackalloc double[k];
                output.Score = Copy(input.StackingBasePredictions, row) && model is not null ? (float)model.Predict(row) : float.NaN;
            };
            return concat.Append(ml.Transforms.CustomMapping(map, contractName: null, inputSchemaDefinition: inputDefinition));
        }

        Action<StackingMappingInput, StackingBinaryOutput> mapBinary = (input, output) =>
        {
            Span<double> row = stackalloc double[k];
            double p = Copy(input.StackingBasePredictions, row) && model is not null ? model.Predict(row) : double.NaN;
            p = Math.Clamp(p, 1e-15, 1 - 1e-15);
            output.Probability = (float)p;
            output.Score = (float)Math.Log(p / (1 - p));
            output.PredictedLabel = p >= 0.5;
        };
        return concat.Append(ml.Transforms.CustomMapping(mapBinary, contractName: null, inputSchemaDefinition: inputDefinition));
    }

    /// <summary>The output shape of the scoring step (added columns), borrowed from an input-less CustomMapping.</summary>
    public static SchemaShape OutputShape(MLContext ml, SchemaShape input, StackingTask task) => task == StackingTask.Regression
        ? ml.Transforms.CustomMapping<StackingNoInput, StackingRegressionOutput>((_, _) => { }, contractName: null).GetOutputSchema(input)
        : ml.Transforms.CustomMapping<StackingNoInput, StackingBinaryOutput>((_, _) => { }, contractName: null).GetOutputSchema(input);

    /// <summary>Copies the base predictions; returns false when one is NaN or ±∞ (the row is then scored as missing: NaN).</summary>
    private static bool Copy(float[] source, Span<double> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new InvalidOperationException($"Expected {destination.Length} base predictions, got {source.Length}.");
        }

        bool finite = true;
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
            finite &= float.IsFinite(source[i]);
        }

        return finite;
    }

    /// <summary>Reads a Single (or Double) scalar column into doubles, naming the column on a schema mismatch.</summary>
    public static double[] ReadNumeric(IDataView data, string column, string role)
    {
        var col = data.Schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"Schema mismatch for {role} column '{column}': column not found.", nameof(data));
        if (col.Type == NumberDataViewType.Single)
        {
            return data.GetColumn<float>(col).Select(v => (double)v).ToArray();
        }

        if (col.Type == NumberDataViewType.Double)
        {
            return data.GetColumn<double>(col).ToArray();
        }

        throw new ArgumentException($"Schema mismatch for {role} column '{column}': expected Single or Double, got {col.Type}.", nameof(data));
    }

    /// <summary>Reads a Boolean label column as 0/1.</summary>
    public static double[] ReadBoolean(IDataView data, string column)
    {
        var col = data.Schema.GetColumnOrNull(column)
            ?? throw new ArgumentException($"Schema mismatch for label column '{column}': column not found.", nameof(data));
        if (col.Type != BooleanDataViewType.Instance)
        {
            throw new ArgumentException($"Schema mismatch for label column '{column}': expected Boolean, got {col.Type}.", nameof(data));
        }

        return data.GetColumn<bool>(col).Select(v => v ? 1.0 : 0.0).ToArray();
    }

    public static double[] ReadLabel(IDataView data, string column, StackingTask task) =>
        task == StackingTask.Regression ? ReadNumeric(data, column, "label") : ReadBoolean(data, column);

    /// <summary>Throws naming the column, the value and its row (counted in <paramref name="rows"/>) at the first non-finite value.</summary>
    public static void CheckFinite(double[] values, string column, string role, string rows = "the input")
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"The {role} column '{column}' has a non-finite value ({values[i]}) at row {i} of {rows}.");
            }
        }
    }

    /// <summary>
    /// Throws naming the column, the value and its row at the first value outside [0, 1]: binary stacking combines probabilities,
    /// and a Score column (a margin or log-odds) is the usual mistake.
    /// </summary>
    public static void CheckProbabilities(double[] values, string column, string rows = "the input")
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0 && values[i] <= 1))
            {
                throw new ArgumentException(
                    $"The prediction column '{column}' has the value {values[i]} at row {i} of {rows}; binary stacking combines " +
                    "probabilities in [0, 1]: stack the base models' Probability columns, not their Score.");
            }
        }
    }

    public static void CheckShape(SchemaShape input, string column, string role, bool boolean, bool singleOnly = false)
    {
        var col = input.FirstOrDefault(c => c.Name == column);
        if (col.Name is null)
        {
            throw new ArgumentException($"Schema mismatch for {role} column '{column}': column not found.", nameof(input));
        }

        bool ok = col.Kind == SchemaShape.Column.VectorKind.Scalar &&
            (boolean ? col.ItemType == BooleanDataViewType.Instance : col.ItemType == NumberDataViewType.Single || (!singleOnly && col.ItemType == NumberDataViewType.Double));
        if (!ok)
        {
            throw new ArgumentException(
                $"Schema mismatch for {role} column '{column}': expected {(boolean ? "Boolean" : singleOnly ? "Single" : "Single or Double")} scalar, got {col.ItemType}{(col.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}.",
                nameof(input));
        }
    }
}
