using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>
/// Saving fitted stacking pipelines with <c>mlContext.Model.Save</c>. ML.NET cannot save transformer types from other assemblies,
/// so a fitted <see cref="StackingTransformer"/> is rebuilt from ML.NET's own parts (<see cref="StackingTransformer.ToSavable"/>):
/// the base models and column copies stay as they are (or are converted by the caller's nested conversion), the base predictions
/// are concatenated natively, the meta part (selection, meta-features, meta-models, blend) runs as one ONNX graph through
/// <c>ApplyOnnxModel</c> (the ONNX bytes are stored in the zip), and a stateless, registered <c>CustomMapping</c> turns the graph's
/// 1-D output into the scalar columns. Loading needs Microsoft.ML.OnnxRuntime and <see cref="Load"/>,
/// <c>MLExtensionsRuntime.LoadModel</c>, or <see cref="Register"/> before <c>mlContext.Model.Load</c>.
/// </summary>
/// <remarks>
/// The methods here handle ensembles whose base models are ML.NET transformers (and nested stacking ensembles). For base models
/// from MLExtensions' neural trainers, or a stacking ensemble inside a larger pipeline, use <c>mlContext.Model.SaveWithOnnx</c>
/// (package MLExtensions), which converts everything, stacking included, in one pass.
/// </remarks>
public static class StackingPersistence
{
    /// <summary>Contract name of the regression output mapping.</summary>
    public const string RegressionContract = "MLExtensions.Stacking.RegressionScore";

    /// <summary>Contract name of the binary output mapping.</summary>
    public const string BinaryContract = "MLExtensions.Stacking.BinaryScore";

    /// <summary>Rebuilds a fitted stacking transformer from ML.NET-savable parts.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="transformer">The fitted stacking transformer.</param>
    /// <param name="data">Any data with the training input schema (only its schema is used).</param>
    /// <returns>A transformer chain with the same output columns that <c>mlContext.Model.Save</c> can write.</returns>
    /// <remarks>Base models are kept as they are, except nested stacking ensembles (converted the same way); a base model ML.NET
    /// cannot save (e.g. a neural network of MLExtensions) makes the later save fail: use <c>mlContext.Model.SaveWithOnnx</c> then.</remarks>
    public static ITransformer ToSavable(MLContext ml, StackingTransformer transformer, IDataView data)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(data);
        return transformer.ToSavable(ml, data.Schema, (model, schema) => ConvertNestedStacking(ml, model, schema));
    }

    /// <summary>Converts (see <see cref="ToSavable"/>) and saves to a file.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="transformer">The fitted stacking transformer.</param>
    /// <param name="data">Data with the training input schema.</param>
    /// <param name="path">The zip file to write.</param>
    public static void Save(MLContext ml, StackingTransformer transformer, IDataView data, string path)
    {
        var savable = ToSavable(ml, transformer, data);
        ml.Model.Save(savable, data.Schema, path);
    }

    /// <summary>
    /// Registers this assembly's output mappings with <paramref name="ml"/>'s component catalog (<c>MLExtensionsRuntime.Register</c>
    /// does this too once this assembly is loaded: it carries <see cref="CustomMappingAssemblyAttribute"/>). Calling it twice is harmless.
    /// </summary>
    /// <param name="ml">The context that will load models.</param>
    public static void Register(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ml.ComponentCatalog.RegisterAssembly(typeof(StackingPersistence).Assembly);
    }

    /// <summary>
    /// Registers this assembly's output mappings and loads a saved model through <see cref="MLExtensionsRuntime.LoadModel(MLContext, string, out DataViewSchema, ModelLoadOptions?)"/>,
    /// with its checks (entry sizes, no external data in embedded ONNX models). Load only model files you trust.
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="path">The zip file.</param>
    /// <param name="inputSchema">The input schema stored with the model.</param>
    /// <returns>The loaded transformer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable model, exceeds the default size limit, or embeds an ONNX model with external data.</exception>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        Register(ml);
        return MLExtensionsRuntime.LoadModel(ml, path, out inputSchema);
    }

    /// <summary>
    /// The savable form of a fitted stacking transformer: the nested parts (base models, score copies) through
    /// <paramref name="convertNested"/>, then a native concatenation of the base predictions, the meta part as ONNX and the
    /// registered output mapping. Only the schema is needed: the stateless parts are fitted on an empty view.
    /// </summary>
    internal static ITransformer Build(
        MLContext ml, StackingTransformer transformer, DataViewSchema inputSchema, Func<ITransformer, DataViewSchema, ITransformer> convertNested)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(convertNested);
        var parts = new List<ITransformer>();
        var schema = inputSchema;
        foreach (var part in transformer.NativePrefix)
        {
            var converted = convertNested(part, schema)
                ?? throw new InvalidOperationException($"The nested conversion returned no transformer for {part.GetType().Name} of the stacking ensemble.");
            parts.Add(converted);
            schema = converted.GetOutputSchema(schema);
        }

        foreach (string column in transformer.PredictionColumns)
        {
            var found = schema.GetColumnOrNull(column)
                ?? throw new ArgumentException($"Schema mismatch for base prediction column '{column}': column not found in the input schema.", nameof(inputSchema));
            if (!found.Type.Equals(NumberDataViewType.Single))
            {
                throw new ArgumentException($"Schema mismatch for base prediction column '{column}': expected Single, got {found.Type}.", nameof(inputSchema));
            }
        }

        var concat = ml.Transforms.Concatenate(StackingColumnNames.BasePredictions, transformer.PredictionColumns.ToArray()).Fit(new EmptyDataView(schema));
        schema = concat.GetOutputSchema(schema);
        parts.Add(concat);
        var bytes = StackingOnnxGraph.ToBytes(transformer.Model);
        var onnx = ml.Transforms.ApplyOnnxModel([StackingOnnxGraph.OutputName], [StackingColumnNames.BasePredictions], new MemoryStream(bytes))
            .Fit(new EmptyDataView(schema));
        schema = onnx.GetOutputSchema(schema);
        parts.Add(onnx);
        var empty = new EmptyDataView(schema);
        ITransformer output = transformer.Task == StackingTask.Regression
            ? ml.Transforms.CustomMapping(new StackingRegressionScoreFactory().GetMapping(), RegressionContract).Fit(empty)
            : ml.Transforms.CustomMapping(new StackingBinaryScoreFactory().GetMapping(), BinaryContract).Fit(empty);
        parts.Add(output);
        return new TransformerChain<ITransformer>(parts.ToArray());
    }

    /// <summary>The nested conversion of <see cref="ToSavable"/>: stacking ensembles (also inside chains) are converted, anything else is kept.</summary>
    private static ITransformer ConvertNestedStacking(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        if (model is ISavableConversion savable)
        {
            return savable.ToSavable(ml, schema, (nested, nestedSchema) => ConvertNestedStacking(ml, nested, nestedSchema));
        }

        if (model is IEnumerable<ITransformer> chain)
        {
            var parts = new List<ITransformer>();
            bool changed = false;
            foreach (var part in chain)
            {
                var converted = ConvertNestedStacking(ml, part, schema);
                changed |= !ReferenceEquals(converted, part);
                parts.Add(converted);
                schema = converted.GetOutputSchema(schema);
            }

            return changed ? new TransformerChain<ITransformer>(parts.ToArray()) : model;
        }

        return model;
    }
}
