using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions.Stacking.Onnx;

/// <summary>
/// Saving fitted stacking pipelines with <c>mlContext.Model.Save</c>. ML.NET cannot save transformer types from other assemblies,
/// so <see cref="ToSavable"/> rebuilds a fitted <see cref="StackingTransformer"/> from ML.NET's own parts: the base models and
/// column copies stay native, the base predictions are concatenated natively, the meta part (selection, meta-features, meta-models,
/// blend) runs as one ONNX graph through <c>ApplyOnnxModel</c> (the ONNX bytes are stored in the zip), and a stateless, registered
/// <c>CustomMapping</c> turns the graph's 1-D output into the scalar columns. Loading needs Microsoft.ML.OnnxRuntime and
/// <see cref="Load"/> (or <c>mlContext.ComponentCatalog.RegisterAssembly</c> with this assembly).
/// </summary>
public static class StackingPersistence
{
    /// <summary>Contract name of the regression output mapping.</summary>
    public const string RegressionContract = "MLExtensions.Stacking.RegressionScore";

    /// <summary>Contract name of the binary output mapping.</summary>
    public const string BinaryContract = "MLExtensions.Stacking.BinaryScore";

    /// <summary>Rebuilds a fitted stacking transformer from ML.NET-savable parts.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="transformer">The fitted stacking transformer.</param>
    /// <param name="data">Any data with the training input schema (used to fit the stateless parts).</param>
    /// <returns>A transformer chain with the same output columns that <c>mlContext.Model.Save</c> can write.</returns>
    public static ITransformer ToSavable(MLContext ml, StackingTransformer transformer, IDataView data)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(data);
        var parts = new List<ITransformer>(transformer.NativePrefix);
        var view = data;
        foreach (var part in transformer.NativePrefix)
        {
            view = part.Transform(view);
        }

        var concat = ml.Transforms.Concatenate(StackingColumnNames.BasePredictions, transformer.PredictionColumns.ToArray()).Fit(view);
        view = concat.Transform(view);
        parts.Add(concat);
        var bytes = StackingOnnxGraph.ToBytes(transformer.Model);
        var onnx = ml.Transforms.ApplyOnnxModel([StackingOnnxGraph.OutputName], [StackingColumnNames.BasePredictions], new MemoryStream(bytes)).Fit(view);
        view = onnx.Transform(view);
        parts.Add(onnx);
        ITransformer output = transformer.Task == StackingTask.Regression
            ? ml.Transforms.CustomMapping(new StackingRegressionScoreFactory().GetMapping(), RegressionContract).Fit(view)
            : ml.Transforms.CustomMapping(new StackingBinaryScoreFactory().GetMapping(), BinaryContract).Fit(view);
        parts.Add(output);
        return new TransformerChain<ITransformer>(parts.ToArray());
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

    /// <summary>Registers this assembly's output mappings and loads a saved model.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="path">The zip file.</param>
    /// <param name="inputSchema">The input schema stored with the model.</param>
    /// <returns>The loaded transformer.</returns>
    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ml.ComponentCatalog.RegisterAssembly(typeof(StackingPersistence).Assembly);
        return ml.Model.Load(path, out inputSchema);
    }
}

/// <summary>Input row of the persisted output mappings: the ONNX graph's 1-D output.</summary>
public sealed class StackingOnnxRow
{
    /// <summary>The graph output (one value per row).</summary>
    [VectorType(1)]
    public float[] StackingOnnxOutput { get; set; } = [];
}

/// <summary>Turns the ONNX output into the regression <c>Score</c> (a stateless mapping ML.NET can save and load).</summary>
[CustomMappingFactoryAttribute(StackingPersistence.RegressionContract)]
public sealed class StackingRegressionScoreFactory : CustomMappingFactory<StackingOnnxRow, StackingRegressionOutput>
{
    /// <inheritdoc/>
    public override Action<StackingOnnxRow, StackingRegressionOutput> GetMapping() => (input, output) => output.Score = input.StackingOnnxOutput[0];
}

/// <summary>Turns the ONNX probability into <c>Score</c> (logit), <c>Probability</c> and <c>PredictedLabel</c>.</summary>
[CustomMappingFactoryAttribute(StackingPersistence.BinaryContract)]
public sealed class StackingBinaryScoreFactory : CustomMappingFactory<StackingOnnxRow, StackingBinaryOutput>
{
    /// <inheritdoc/>
    public override Action<StackingOnnxRow, StackingBinaryOutput> GetMapping() => (input, output) =>
    {
        double p = Math.Clamp(input.StackingOnnxOutput[0], 1e-15, 1 - 1e-15);
        output.Probability = (float)p;
        output.Score = (float)Math.Log(p / (1 - p));
        output.PredictedLabel = p >= 0.5;
    };
}
