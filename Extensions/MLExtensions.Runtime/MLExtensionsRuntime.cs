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
    /// Assemblies of MLExtensions that hold <c>CustomMapping</c> factories of saved models besides this one. They are registered when
    /// the application ships them (a serving app that loads only neural models needs none of them).
    /// </summary>
    private static readonly string[] MappingAssemblyNames = ["MLExtensions.Stacking"];

    /// <summary>
    /// Registers the <c>CustomMapping</c> factories of this assembly and of the other MLExtensions assemblies the application ships
    /// (MLExtensions.Stacking: the output mappings of saved stacking ensembles) with <paramref name="mlContext"/>'s component catalog.
    /// ML.NET also finds them by the assembly name stored in the model, but registering first makes loading independent of assembly
    /// probing. Registration is per <see cref="MLContext"/>; calling it twice is harmless.
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

    /// <summary>The MLExtensions assemblies with mapping factories (besides this one) that the application can load.</summary>
    /// <returns>The loaded assemblies, in a fixed order; those the application does not ship are left out.</returns>
    private static IEnumerable<Assembly> MappingAssemblies()
    {
        foreach (string name in MappingAssemblyNames)
        {
            // An assembly the host already loaded (a notebook kernel loads #r references into its own context, where loading
            // the same name again fails) is used as it is; otherwise it is loaded by name.
            Assembly? assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
            try
            {
                assembly ??= Assembly.Load(new AssemblyName(name));
            }
            catch (FileNotFoundException)
            {
                // Not shipped with this application: its models cannot be in use here.
                assembly = null;
            }

            if (assembly is not null) yield return assembly;
        }
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
