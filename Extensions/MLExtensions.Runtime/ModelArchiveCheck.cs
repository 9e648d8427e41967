using System.IO.Compression;

namespace MLExtensions;

/// <summary>
/// The checks <see cref="MLExtensionsRuntime.LoadModel(Microsoft.ML.MLContext, Stream, string, out Microsoft.ML.DataViewSchema, ModelLoadOptions?)"/>
/// makes on a model zip before ML.NET reads it: the inflated size of the entries against <see cref="ModelLoadOptions.MaxUncompressedBytes"/>
/// (declared sizes first, then the bytes actually inflated), and no embedded ONNX model with external data.
/// </summary>
internal static class ModelArchiveCheck
{
    /// <summary>The name ML.NET's <c>OnnxTransformer</c> gives the entry that holds the ONNX bytes.</summary>
    private const string OnnxEntryName = "OnnxModel";

    /// <summary>Checks the zip in <paramref name="stream"/> from its current position, and puts the position back.</summary>
    /// <exception cref="InvalidDataException">A limit is exceeded, an embedded ONNX model uses external data or is malformed, or
    /// the stream is no readable zip; the message names <paramref name="sourceName"/> (and the entry, and the tensor).</exception>
    public static void Check(Stream stream, string sourceName, ModelLoadOptions options)
    {
        long start = stream.Position;
        try
        {
            CheckArchive(stream, sourceName, options);
        }
        catch (FailedException ex)
        {
            throw new InvalidDataException(ex.Message, ex.InnerException);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // No zip, or a corrupt entry (System.IO.Compression's own exceptions).
            throw MLExtensionsRuntime.NotAModel(sourceName, ex);
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static void CheckArchive(Stream stream, string sourceName, ModelLoadOptions options)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        long limit = options.MaxUncompressedBytes;
        long declared = 0;
        foreach (var entry in zip.Entries)
        {
            // Compared before adding, so that a huge declared size cannot overflow the sum.
            if (entry.Length < 0 || entry.Length > limit - declared)
                throw TooLarge(sourceName, $"its entries declare too many bytes uncompressed: entry '{entry.FullName}' declares {entry.Length} after {declared} in the entries before it", limit);
            declared += entry.Length;
        }

        var budget = new Budget(limit, sourceName);
        foreach (var entry in zip.Entries)
        {
            using var inflating = new CountingStream(entry.Open(), budget, entry);
            if (IsOnnxEntry(entry.FullName))
                CheckOnnxEntry(inflating, sourceName, entry.FullName);
            inflating.CopyTo(Stream.Null);
        }
    }

    // ML.NET normalizes separators and finds entries by exact name; matching case-insensitively here only checks more entries.
    private static bool IsOnnxEntry(string fullName) =>
        fullName.Replace('\\', '/').Split('/')[^1].Equals(OnnxEntryName, StringComparison.OrdinalIgnoreCase);

    /// <summary>An ONNX entry holds a 32-bit little-endian length, then that many bytes of ONNX protobuf (ML.NET's byte-array format).</summary>
    private static void CheckOnnxEntry(Stream inflating, string sourceName, string entryName)
    {
        var buffered = new BufferedStream(inflating, 1 << 16);   // not disposed: that would dispose the entry stream early
        var reader = new ProtobufStreamReader(buffered);
        OnnxExternalDataScanner.ExternalTensor? external;
        try
        {
            Span<byte> prefix = stackalloc byte[4];
            if (buffered.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4)
                throw new InvalidDataException("the entry is shorter than its length prefix");
            int length = BitConverter.IsLittleEndian ? BitConverter.ToInt32(prefix) : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (length < 0) throw new InvalidDataException($"the entry declares a negative length ({length})");
            external = OnnxExternalDataScanner.FindExternalTensor(reader, length);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
        {
            throw new FailedException($"Cannot load {sourceName}: its embedded ONNX model (entry '{entryName}') cannot be read: {ex.Message}.", ex);
        }

        if (external is not null)
        {
            string location = external.Location.Length > 0 ? $" (location '{external.Location}')" : "";
            string tensor = external.Name.Length > 0 ? $"'{external.Name}'" : "(unnamed)";
            throw new FailedException(
                $"Cannot load {sourceName}: its embedded ONNX model (entry '{entryName}') stores tensor {tensor} in external data{location}. " +
                "MLExtensions never writes external data, and ONNX Runtime would read it from files next to the model's temporary copy, " +
                "so such models are rejected. Load only model files you trust.");
        }
    }

    private static FailedException TooLarge(string sourceName, string what, long limit) =>
        new($"Cannot load {sourceName}: {what}, more than ModelLoadOptions.MaxUncompressedBytes = {limit} bytes. " +
            "Raise that limit only for a model file you trust.");

    /// <summary>A check failed; the message is complete (it names the source). <see cref="Check"/> turns it into an InvalidDataException.</summary>
    private sealed class FailedException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>The inflated bytes left for the whole archive.</summary>
    private sealed class Budget(long limit, string sourceName)
    {
        private long _inflated;

        public void Add(int count, ZipArchiveEntry entry)
        {
            _inflated += count;
            if (_inflated > limit)
                throw TooLarge(sourceName, $"its entries inflate to {_inflated} bytes or more up to entry '{entry.FullName}' (which declares {entry.Length})", limit);
        }

        public FailedException Mismatch(ZipArchiveEntry entry) =>
            new($"Cannot load {sourceName}: zip entry '{entry.FullName}' inflates to more than the {entry.Length} bytes it declares (a corrupt or crafted zip).");
    }

    /// <summary>A read-only stream that counts the bytes read from an entry against the budget and against the entry's declared size.</summary>
    private sealed class CountingStream(Stream inner, Budget budget, ZipArchiveEntry entry) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _read += n;
            budget.Add(n, entry);
            if (_read > entry.Length)
                throw budget.Mismatch(entry);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
