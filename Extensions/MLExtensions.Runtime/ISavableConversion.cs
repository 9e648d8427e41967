using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// A fitted transformer that <c>mlContext.Model.Save</c> cannot store itself but can rebuild from parts it can, possibly around
/// nested fitted models (e.g. the base models of a stacking ensemble). <c>mlContext.Model.ConvertToOnnxBacked</c> and
/// <c>SaveWithOnnx</c> (package MLExtensions) call <see cref="ToSavable"/> and pass their own recursive conversion as
/// <c>convertNested</c>, so a nested model that needs converting (a TorchSharp network, another ensemble) is converted too, while
/// the implementing assembly needs no reference to the converter.
/// </summary>
public interface ISavableConversion : ITransformer
{
    /// <summary>Builds a transformer of savable parts with the same output columns as this one.</summary>
    /// <param name="mlContext">The context in which to create the new ML.NET transformers.</param>
    /// <param name="inputSchema">The schema of the data this transformer is applied to.</param>
    /// <param name="convertNested">
    /// Converts a nested fitted model, given the schema of its input, into a savable one with the same outputs; it returns the model
    /// itself when nothing needs converting. Every nested model must go through it.
    /// </param>
    /// <returns>A transformer (usually a chain) that <c>mlContext.Model.Save</c> can write.</returns>
    ITransformer ToSavable(MLContext mlContext, DataViewSchema inputSchema, Func<ITransformer, DataViewSchema, ITransformer> convertNested);
}
