using System.Reflection;
using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// Entry points for apps that serve models saved by MLExtensions: register the mappings with an <see cref="MLContext"/> and load
/// saved pipelines with clear errors. Needs Microsoft.ML, Microsoft.ML.OnnxTransformer and ONNX Runtime, not TorchSharp.
/// </summary>
public static class MLExtensionsRuntime
{
    /// <summary>
    /// Registers the <c>CustomMapping</c> factories of this assembly and of every loaded assembly marked with
    /// <see cref="CustomMappingAssemblyAttribute"/> (e.g. the stacking assembly, for the output mappings of saved ensembles)
    /// with <paramref name="mlContext"/>'s component catalog. ML.NET also finds a mapping by the assembly name stored in the model
    /// and loads that assembly itself; registering first covers hosts where that load fails but the assembly is already loaded
    /// (a notebook kernel loads <c>#r</c> references into its own context). Registration is per <see cref="MLContext"/>; calling it
    /// twice is harmless.
    /// </summary>
    /// <param name="mlContext">The context that will load models.</param>
    public static void Register(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(MLExtensionsRuntime).Assembly);
        foreach (var assembly in MappingAssemblies())
        {
            mlContext.ComponentCatalog.RegisterAssembly(assembly);
        }
    }

    /// <summary>The loaded assemblies, besides this one, marked with <see cref="CustomMappingAssemblyAttribute"/>, ordered by name.</summary>
    /// <remarks>The mark is matched by its full type name, so an assembly loaded next to another copy of this one (a host's own load
    /// context) is found too.</remarks>
    internal static IReadOnlyList<Assembly> MappingAssemblies()
    {
        var self = typeof(MLExtensionsRuntime).Assembly;
        string mark = typeof(CustomMappingAssemblyAttribute).FullName!;
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a != self && !a.IsDynamic && a.GetCustomAttributesData().Any(d => d.AttributeType.FullName == mark))
            .OrderBy(a => a.FullName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Registers the mappings (<see cref="Register"/>), checks the file, and loads a model saved with <c>mlContext.Model.Save</c>.</summary>
    /// <remarks>
    /// Before ML.NET reads the zip, its entries' inflated size is checked against <see cref="ModelLoadOptions.MaxUncompressedBytes"/>
    /// (the declared sizes first, then the bytes actually inflated), and every embedded ONNX model is checked to store no tensor in
    /// external data (MLExtensions never writes any; ONNX Runtime would read it from files next to the model's temporary copy).
    /// These checks do not make an untrusted file safe to load: ML.NET's loader also loads assemblies named in the file.
    /// Load only model files you trust.
    /// </remarks>
    /// <param name="mlContext">The context to load into.</param>
    /// <param name="filePath">The model zip.</param>
    /// <param name="inputSchema">The schema the model expects as input.</param>
    /// <param name="options">Limits checked before loading; null for the defaults of <see cref="ModelLoadOptions"/>.</param>
    /// <returns>The loaded pipeline.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable ML.NET model (corrupt, truncated, or an embedded ONNX model that ONNX Runtime
    /// rejects), exceeds <see cref="ModelLoadOptions.MaxUncompressedBytes"/>, or embeds an ONNX model with external data (the message names
    /// the file, the entry and the tensor).</exception>
    public static ITransformer LoadModel(MLContext mlContext, string filePath, out DataViewSchema inputSchema, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath)) throw new FileNotFoundException($"Model file '{filePath}' does not exist.", filePath);
        using var stream = File.OpenRead(filePath);
        return LoadModel(mlContext, stream, $"model file '{filePath}'", out inputSchema, options);
    }

    /// <summary>Registers the mappings (<see cref="Register"/>), checks the zip, and loads a model saved with <c>mlContext.Model.Save</c> from a stream.</summary>
    /// <remarks>The checks of <see cref="LoadModel(MLContext, string, out DataViewSchema, ModelLoadOptions?)"/> are made from the stream's position.</remarks>
    /// <param name="mlContext">The context to load into.</param>
    /// <param name="stream">A readable, seekable stream holding the model zip.</param>
    /// <param name="sourceName">How error messages name the source, e.g. <c>model file 'm.zip'</c>.</param>
    /// <param name="inputSchema">The schema the model expects as input.</param>
    /// <param name="options">Limits checked before loading; null for the defaults of <see cref="ModelLoadOptions"/>.</param>
    /// <returns>The loaded pipeline.</returns>
    /// <exception cref="InvalidDataException">The stream is not a readable ML.NET model, exceeds a limit, or embeds an ONNX model with external data.</exception>
    public static ITransformer LoadModel(MLContext mlContext, Stream stream, string sourceName, out DataViewSchema inputSchema, ModelLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        options ??= new ModelLoadOptions();
        options.Validate();
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException($"Cannot load {sourceName}: the stream must be readable and seekable (a model is a zip archive).", nameof(stream));
        Register(mlContext);
        ModelArchiveCheck.Check(stream, sourceName, options);
        try
        {
            return mlContext.Model.Load(stream, out inputSchema);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            throw NotAModel(sourceName, ex);
        }
    }

    /// <summary>The exception for a source that is not a readable ML.NET model.</summary>
    internal static InvalidDataException NotAModel(string sourceName, Exception ex) => new(
        $"Cannot load {sourceName}: expected an ML.NET model zip written by mlContext.Model.Save (for MLExtensions models, " +
        $"a pipeline of ML.NET transformers, ApplyOnnxModel with an embedded ONNX model and MLExtensions.Runtime mappings). {ex.GetType().Name}: {ex.Message}",
        ex);
}
