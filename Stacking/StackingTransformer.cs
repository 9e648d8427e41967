using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

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
