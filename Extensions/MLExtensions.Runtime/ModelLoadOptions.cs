namespace MLExtensions;

/// <summary>
/// Limits that <see cref="MLExtensionsRuntime.LoadModel(Microsoft.ML.MLContext, string, out Microsoft.ML.DataViewSchema, ModelLoadOptions?)"/>
/// checks on a model zip before ML.NET reads it, so that a hostile or broken file fails fast instead of exhausting memory.
/// </summary>
public sealed class ModelLoadOptions
{
    /// <summary>The default of <see cref="MaxUncompressedBytes"/>: 256 MiB.</summary>
    /// <remarks>
    /// About 60 million float32 weights, hundreds of times the largest model the benchmarks save (a 784-256-128-10 network
    /// is about 1 MB). ML.NET holds an embedded ONNX model several times in memory while loading it, so the limit also bounds
    /// the memory a file can make the loader use to a small multiple of it.
    /// </remarks>
    public const long DefaultMaxUncompressedBytes = 256L * 1024 * 1024;

    /// <summary>The largest value of <see cref="MaxUncompressedBytes"/>: 4 GiB (an ONNX model, a protobuf message, cannot exceed 2 GiB).</summary>
    public const long LargestMaxUncompressedBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most bytes all entries of the zip may hold once inflated, together. Checked on the sizes the zip declares before anything is
    /// inflated, and again on the bytes actually inflated (declared sizes can lie). Default
    /// <see cref="DefaultMaxUncompressedBytes"/> (256 MiB); at least 1, at most <see cref="LargestMaxUncompressedBytes"/>.
    /// </summary>
    public long MaxUncompressedBytes { get; init; } = DefaultMaxUncompressedBytes;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (MaxUncompressedBytes < 1 || MaxUncompressedBytes > LargestMaxUncompressedBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxUncompressedBytes), MaxUncompressedBytes,
                $"{nameof(MaxUncompressedBytes)} must be in [1, {LargestMaxUncompressedBytes}] bytes.");
    }
}
