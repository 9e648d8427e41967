using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>The machine-learning task of a stacking estimator.</summary>
public enum StackingTask
{
    /// <summary>Regression: output column <c>Score</c>.</summary>
    Regression,

    /// <summary>Binary classification: output columns <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>.</summary>
    BinaryClassification,
}

/// <summary>
/// A fitted stacking ensemble. It applies the (refitted) base models, if any, gathers their predictions into one vector and
/// evaluates the <see cref="Model"/>, writing <c>Score</c> (and <c>Probability</c>, <c>PredictedLabel</c> for binary
/// classification). It works with <c>Transform</c>, <c>CreatePredictionEngine</c> and ML.NET's evaluators.
/// </summary>
/// <remarks>
/// A row with a NaN or ±∞ base prediction (any input column, selected by the combiner or not) is scored as missing, in process
/// and after saving: <c>Score</c> NaN, and for binary classification <c>Probability</c> NaN and <c>PredictedLabel</c> false.
/// ML.NET's evaluators skip rows with a NaN score.
/// <para/>
/// The scoring step is a closure-based <c>CustomMapping</c>, which ML.NET cannot save; <see cref="ICanSaveModel.Save"/> therefore
/// throws. To save, use <c>mlContext.Model.SaveWithOnnx</c> (package MLExtensions; converts neural base models and the rest of the
/// pipeline too) or, when the base models are ML.NET transformers, <see cref="StackingPersistence.Save"/>. Both go through
/// <see cref="ToSavable"/>: the base models stay native (or are converted), the meta part becomes an ONNX graph.
/// </remarks>
public sealed class StackingTransformer : ISavableConversion
{
    private readonly ITransformer _inner;

    internal StackingTransformer(
        StackingModel model, StackingTask task, IReadOnlyList<ITransformer> baseModels, ITransformer inner,
        IReadOnlyList<ITransformer> nativePrefix, IReadOnlyList<string> predictionColumns)
    {
        Model = model;
        Task = task;
        BaseModels = baseModels;
        _inner = inner;
        NativePrefix = nativePrefix;
        PredictionColumns = predictionColumns;
    }

    /// <summary>The fitted native transformers before the scoring step (base models and score copies).</summary>
    internal IReadOnlyList<ITransformer> NativePrefix { get; }

    /// <summary>The columns gathered into <see cref="StackingColumnNames.BasePredictions"/>, in the model's input order.</summary>
    internal IReadOnlyList<string> PredictionColumns { get; }

    /// <summary>The fitted combiner (selected inputs, meta-models, blend weights, diagnostics).</summary>
    public StackingModel Model { get; }

    /// <summary>The task.</summary>
    public StackingTask Task { get; }

    /// <summary>
    /// The base models' out-of-fold predictions the combiner was fitted on (rows ordered fold by fold), for inspection and for
    /// fitting other combiners on the same predictions; null for the prediction-column entry point.
    /// </summary>
    public PredictionMatrix? OutOfFoldPredictions { get; init; }

    /// <summary>The labels of the rows of <see cref="OutOfFoldPredictions"/> (0/1 for binary classification).</summary>
    public IReadOnlyList<double>? OutOfFoldLabel { get; init; }

    /// <summary>The base models refitted on all rows (empty for the prediction-column entry point).</summary>
    public IReadOnlyList<ITransformer> BaseModels { get; }

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _inner.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => _inner.Transform(input);

    /// <summary>
    /// Rebuilds this ensemble from savable parts: each base model and score copy goes through <paramref name="convertNested"/>, the
    /// base predictions are concatenated natively, the meta part (selection, meta-features, meta-models, blend) becomes one ONNX graph
    /// applied by <c>ApplyOnnxModel</c>, and a registered stateless <c>CustomMapping</c> writes <c>Score</c> (and <c>Probability</c>,
    /// <c>PredictedLabel</c>). <c>mlContext.Model.SaveWithOnnx</c> calls this with its own conversion of neural base models.
    /// </summary>
    /// <param name="mlContext">The context in which to create the new transformers.</param>
    /// <param name="inputSchema">The schema of the data this ensemble is applied to.</param>
    /// <param name="convertNested">Converts a nested model given its input schema (returns it unchanged when nothing needs converting).</param>
    /// <returns>A chain with the same output columns that <c>mlContext.Model.Save</c> can write.</returns>
    /// <exception cref="ArgumentException">A base prediction column is missing or not Single after the converted base models.</exception>
    public ITransformer ToSavable(MLContext mlContext, DataViewSchema inputSchema, Func<ITransformer, DataViewSchema, ITransformer> convertNested) =>
        StackingPersistence.Build(mlContext, this, inputSchema, convertNested);

    /// <inheritdoc/>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            "A StackingTransformer cannot be saved with mlContext.Model.Save directly: its scoring step is an in-memory CustomMapping. " +
            "Save it with mlContext.Model.SaveWithOnnx (package MLExtensions; also converts neural base models) or, when its base models " +
            "are ML.NET transformers, StackingPersistence.Save (ONNX meta part, native base models); " +
            "the fitted StackingModel holds the coefficients, selected inputs and blend weights.");
}

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

    public static void CheckFinite(double[] values, string column, string role)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"The {role} column '{column}' has a non-finite value ({values[i]}) at row {i}.");
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
