using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// Turns a fitted pipeline that contains <see cref="IOnnxConvertibleTransformer"/>s into a pipeline of ML.NET's own transformers, which
/// <c>mlContext.Model.Save</c> stores and <c>mlContext.Model.Load</c> (or <see cref="MLExtensionsRuntime.LoadModel(MLContext, string, out DataViewSchema, ModelLoadOptions?)"/>)
/// restores without TorchSharp.
/// </summary>
/// <remarks>
/// Each convertible transformer becomes <c>ApplyOnnxModel</c> (the ONNX bytes are stored inside the model zip) followed by the stateless
/// mappings of <c>MLExtensions.Runtime</c>, for multiclass a <c>CopyColumns</c> for <c>Score</c> and a <c>MapValueToKey</c> built from the
/// class names, and a <c>DropColumns</c> of the intermediate columns. The outputs keep the names and types of the original
/// (<c>Score</c>, <c>Probability</c>, <c>PredictedLabel</c>), which is checked. Not carried over: annotations other than the multiclass
/// <c>KeyValues</c> (e.g. <c>SlotNames</c> of the multiclass score, <c>ScoreColumnKind</c>), and <see cref="TransformerScope"/>s of chains.
/// Transformers implementing <see cref="ISavableConversion"/> (the stacking ensembles of MLExtensions.Stacking) rebuild themselves
/// from savable parts and pass their nested models (base models) back to this conversion, so a neural base model inside a stacking
/// ensemble is converted too. ML.NET transformers are kept as they are; nested chains are converted recursively.
/// </remarks>
public static class OnnxModelConversion
{
    /// <summary>
    /// Replaces every <see cref="IOnnxConvertibleTransformer"/> in <paramref name="model"/> by saveable ML.NET transformers, and every
    /// <see cref="ISavableConversion"/> by its savable form (converting its nested models the same way).
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted transformer: a chain (possibly nested) or a single transformer.</param>
    /// <param name="inputSchema">The schema of the data <paramref name="model"/> is applied to.</param>
    /// <returns>A pipeline with the same output columns; the model itself when it contains nothing to convert.</returns>
    /// <exception cref="InvalidDataException">A transformer's ONNX model is corrupt or not in the expected format.</exception>
    /// <exception cref="InvalidOperationException">A replacement would produce different output column types than the original.</exception>
    /// <remarks>The new ML.NET transformers are created in a private <see cref="MLContext"/> (ONNX Runtime on the CPU).</remarks>
    public static ITransformer ConvertToOnnxBacked(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var mlContext = new MLContext();
        return Convert(mlContext, model, inputSchema, "model", out _);
    }

    /// <summary>Converts the model (<see cref="ConvertToOnnxBacked"/>) and saves it with <see cref="ModelOperationsCatalog.Save(ITransformer, DataViewSchema, string)"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted transformer or chain.</param>
    /// <param name="inputSchema">The schema of the data <paramref name="model"/> is applied to.</param>
    /// <param name="filePath">The model zip to write.</param>
    /// <returns>The converted pipeline that was saved.</returns>
    public static ITransformer SaveWithOnnx(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        var converted = catalog.ConvertToOnnxBacked(model, inputSchema);
        catalog.Save(converted, inputSchema, filePath);
        return converted;
    }

    /// <summary>Converts the model (<see cref="ConvertToOnnxBacked"/>) and saves it to a stream.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">A fitted transformer or chain.</param>
    /// <param name="inputSchema">The schema of the data <paramref name="model"/> is applied to.</param>
    /// <param name="stream">A writable stream.</param>
    /// <returns>The converted pipeline that was saved.</returns>
    public static ITransformer SaveWithOnnx(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var converted = catalog.ConvertToOnnxBacked(model, inputSchema);
        catalog.Save(converted, inputSchema, stream);
        return converted;
    }

    private static ITransformer Convert(MLContext mlContext, ITransformer model, DataViewSchema schema, string path, out bool changed)
    {
        if (model is IOnnxConvertibleTransformer convertible)
        {
            changed = true;
            return Replace(mlContext, convertible, schema, path);
        }
        if (model is ISavableConversion savable)
        {
            // E.g. a stacking ensemble: it rebuilds itself from savable parts and hands its nested models (base models) back to us.
            changed = true;
            string source = $"{model.GetType().Name} at {path}";
            int nested = 0;
            var replacement = savable.ToSavable(mlContext, schema,
                (part, partSchema) => Convert(mlContext, part, partSchema, $"{path}.nested[{nested++}]", out _))
                ?? throw new InvalidOperationException($"{source} returned no savable transformer.");
            CheckSameOutputs(model.GetOutputSchema(schema), replacement.GetOutputSchema(schema), source);
            return replacement;
        }
        if (model is IEnumerable<ITransformer> chain)
        {
            var parts = new List<ITransformer>();
            bool any = false;
            int index = 0;
            foreach (var part in chain)
            {
                var converted = Convert(mlContext, part, schema, $"{path}[{index++}]", out bool partChanged);
                any |= partChanged;
                parts.Add(converted);
                schema = converted.GetOutputSchema(schema);
            }
            changed = any;
            return any ? new TransformerChain<ITransformer>(parts.ToArray()) : model;
        }
        changed = false;
        return model;
    }

    private static ITransformer Replace(MLContext mlContext, IOnnxConvertibleTransformer transformer, DataViewSchema schema, string path)
    {
        string source = $"{transformer.GetType().Name} at {path}";
        var description = transformer.GetOnnxScoringModel()
            ?? throw new InvalidOperationException($"{source} returned no ONNX scoring model.");
        byte[] onnx = OnnxScoringModelPreparer.Prepare(description, source);
        CheckFeatureColumn(schema, description, source);

        var outputs = OnnxScoringModelPreparer.Outputs(description.Task);
        var columns = outputs.Select(o => o.ColumnName).ToArray();
        // ONNX Runtime parses the model here: a well-formed protobuf with a broken graph fails now, not at save or load.
        IEstimator<ITransformer> onnxEstimator = Guard(source,
            () => mlContext.Transforms.ApplyOnnxModel(columns, [description.FeatureColumnName], new MemoryStream(onnx)));
        IEstimator<ITransformer> estimator;
        var drop = columns.ToList();
        switch (description.Task)
        {
            case PredictionTask.Regression:
                estimator = onnxEstimator.Append(
                    mlContext.Transforms.CustomMapping(new RegressionScoreMapping().GetMapping(), RegressionScoreMapping.ContractName));
                break;
            case PredictionTask.BinaryClassification:
                estimator = onnxEstimator.Append(
                    mlContext.Transforms.CustomMapping(new BinaryClassificationMapping().GetMapping(), BinaryClassificationMapping.ContractName));
                break;
            case PredictionTask.MulticlassClassification:
            {
                var keyValueType = KeyValueType(transformer.GetOutputSchema(schema), description, source);
                IEstimator<ITransformer> chain = onnxEstimator
                    .Append(mlContext.Transforms.CustomMapping(new MulticlassLabelMapping().GetMapping(), MulticlassLabelMapping.ContractName))
                    .Append(mlContext.Transforms.CopyColumns("Score", OnnxColumnNames.Score));
                drop.Add(OnnxColumnNames.PredictedClassName);
                var keyData = ClassNamesView(mlContext, description.ClassNames!);
                string valueColumn = OnnxColumnNames.PredictedClassName;
                if (keyValueType is { } kind)
                {
                    // Key values of another type (e.g. Single labels): parse the class name back with ML.NET's own conversion.
                    chain = chain.Append(mlContext.Transforms.Conversion.ConvertType(OnnxColumnNames.PredictedClassValue, OnnxColumnNames.PredictedClassName, kind));
                    keyData = mlContext.Transforms.Conversion.ConvertType(OnnxColumnNames.PredictedClassValue, nameof(ClassNameRow.Name), kind)
                        .Append(mlContext.Transforms.SelectColumns(OnnxColumnNames.PredictedClassValue))
                        .Fit(keyData).Transform(keyData);
                    valueColumn = OnnxColumnNames.PredictedClassValue;
                    drop.Add(OnnxColumnNames.PredictedClassValue);
                }
                estimator = chain.Append(mlContext.Transforms.Conversion.MapValueToKey("PredictedLabel", valueColumn, keyData: keyData));
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(transformer), description.Task, "Unknown prediction task.");
        }
        estimator = estimator.Append(mlContext.Transforms.DropColumns(drop.ToArray()));

        var replacement = Guard(source, () => estimator.Fit(new EmptyDataView(schema)));
        CheckSameOutputs(transformer.GetOutputSchema(schema), replacement.GetOutputSchema(schema), source);
        return replacement;
    }

    private static T Guard<T>(string source, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new InvalidDataException($"ML.NET / ONNX Runtime could not build the ONNX-backed replacement of {source}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The <see cref="DataKind"/> of the original <c>PredictedLabel</c>'s key values when they are not text (the class names are then
    /// their text forms and are parsed back); <c>null</c> for text key values or none.
    /// </summary>
    private static DataKind? KeyValueType(DataViewSchema original, OnnxScoringModel description, string source)
    {
        var column = original.GetColumnOrNull("PredictedLabel")
            ?? throw new InvalidOperationException($"{source} has no 'PredictedLabel' column; a multiclass transformer must give one.");
        if (column.Type is not KeyDataViewType key || key.Count != (ulong)description.ClassNames!.Count)
            throw new InvalidOperationException(
                $"'PredictedLabel' of {source} is {column.Type}; expected a key type with {description.ClassNames!.Count} keys, one per class name.");
        if (KeyValuesAnnotation.TypeOf(column.Annotations) is not { ItemType: var item }) return null;
        if (item is TextDataViewType) return null;
        return item.RawType switch
        {
            var t when t == typeof(float) => DataKind.Single,
            var t when t == typeof(double) => DataKind.Double,
            var t when t == typeof(sbyte) => DataKind.SByte,
            var t when t == typeof(byte) => DataKind.Byte,
            var t when t == typeof(short) => DataKind.Int16,
            var t when t == typeof(ushort) => DataKind.UInt16,
            var t when t == typeof(int) => DataKind.Int32,
            var t when t == typeof(uint) => DataKind.UInt32,
            var t when t == typeof(long) => DataKind.Int64,
            var t when t == typeof(ulong) => DataKind.UInt64,
            var t when t == typeof(bool) => DataKind.Boolean,
            _ => throw new InvalidOperationException(
                $"'PredictedLabel' of {source} has key values of type {item}; the ONNX-backed form supports text, numeric and Boolean key values."),
        };
    }

    private static void CheckFeatureColumn(DataViewSchema schema, OnnxScoringModel description, string source)
    {
        var column = schema.GetColumnOrNull(description.FeatureColumnName)
            ?? throw new ArgumentException($"Feature column '{description.FeatureColumnName}' of {source} is not in the input schema.", nameof(schema));
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single || size != description.FeatureSize)
            throw new ArgumentException(
                $"Schema mismatch for feature column '{description.FeatureColumnName}' of {source}: expected Vector<Single, {description.FeatureSize}>, got {column.Type}.",
                nameof(schema));
    }

    private static void CheckSameOutputs(DataViewSchema original, DataViewSchema replacement, string source)
    {
        foreach (string name in new[] { "Score", "Probability", "PredictedLabel" })
        {
            var a = original.GetColumnOrNull(name);
            var b = replacement.GetColumnOrNull(name);
            if (a is null && b is null) continue;
            if (a is null || b is null || !a.Value.Type.Equals(b.Value.Type))
                throw new InvalidOperationException(
                    $"The ONNX-backed replacement of {source} gives column '{name}' as {b?.Type.ToString() ?? "nothing"}, " +
                    $"but the transformer gives {a?.Type.ToString() ?? "nothing"}.");
        }
    }

    private static IDataView ClassNamesView(MLContext mlContext, IReadOnlyList<string> classNames) =>
        mlContext.Data.LoadFromEnumerable(classNames.Select(n => new ClassNameRow { Name = n }).ToArray());

    /// <summary>One class name, the key data of the multiclass <c>MapValueToKey</c>.</summary>
    private sealed class ClassNameRow
    {
        public string Name { get; set; } = "";
    }
}
