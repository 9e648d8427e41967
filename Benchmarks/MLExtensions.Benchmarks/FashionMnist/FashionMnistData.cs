using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Benchmarks.FashionMnist;

/// <summary>Reads the gzip IDX files of Fashion-MNIST: pixels / 255 as float, labels 0-9.</summary>
public sealed record FashionMnistData(float[] Pixels, byte[] Labels, int Count)
{
    public const int PixelCount = 784;

    public static FashionMnistData Load(string folder, bool train)
    {
        string prefix = train ? "train" : "t10k";
        string images = Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz");
        string labels = Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz");
        foreach (var file in new[] { images, labels })
        {
            if (!File.Exists(file))
                throw new FileNotFoundException($"Fashion-MNIST file not found: '{file}'. Pass --data <folder with the four *-ubyte.gz files>.", file);
        }
        byte[] imageBytes = ReadGzip(images);
        byte[] labelBytes = ReadGzip(labels);
        CheckMagic(imageBytes, 2051, images);
        CheckMagic(labelBytes, 2049, labels);
        int count = BinaryPrimitives.ReadInt32BigEndian(imageBytes.AsSpan(4));
        if (BinaryPrimitives.ReadInt32BigEndian(labelBytes.AsSpan(4)) != count || imageBytes.Length != 16 + count * PixelCount || labelBytes.Length != 8 + count)
            throw new InvalidDataException($"'{images}' and '{labels}' disagree on the image count or are truncated.");
        var pixels = new float[count * PixelCount];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = imageBytes[16 + i] / 255f;
        return new FashionMnistData(pixels, labelBytes.AsSpan(8).ToArray(), count);
    }

    /// <summary>An IDataView with a 784-float <c>Features</c> vector and a key <c>Label</c> (10 classes).</summary>
    public IDataView ToDataView(MLContext ml)
    {
        var rows = Enumerable.Range(0, Count).Select(i => new Row
        {
            Features = Pixels.AsSpan(i * PixelCount, PixelCount).ToArray(),
            Label = Labels[i],
        });
        return ml.Data.LoadFromEnumerable(rows);
    }

    private static byte[] ReadGzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static void CheckMagic(byte[] bytes, int magic, string path)
    {
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
            throw new InvalidDataException($"'{path}' is not an IDX file with magic {magic}.");
    }

    public sealed class Row
    {
        [VectorType(PixelCount)] public float[] Features { get; set; } = [];
        // LoadFromEnumerable stores key fields 0-based: class c becomes key c + 1.
        [KeyType(10)] public uint Label { get; set; }
    }
}
