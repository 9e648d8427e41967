using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.ML;
using Onnx;

namespace MLExtensions.Tests.Onnx;

/// <summary>Hostile or broken model files: external data in embedded ONNX models, zip bombs, lying entry sizes.</summary>
[TestClass]
public sealed class ModelFileSafetyTests
{
    private static string TempPath(string what) => Path.Combine(Path.GetTempPath(), $"mlext-{what}-{Guid.NewGuid():N}");

    /// <summary>Saves the small binary model to a zip file and returns its path.</summary>
    private static string SaveModel()
    {
        var (ml, model, data) = OnnxModelConversionTests.BinaryModel(null);
        string path = TempPath("model") + ".zip";
        ml.Model.SaveWithOnnx(model, data.Schema, path);
        return path;
    }

    /// <summary>Replaces the embedded ONNX model (ML.NET's entry: an Int32 length, then the protobuf) by <paramref name="rewrite"/>'s result.</summary>
    private static void RewriteOnnxEntry(string zipPath, Func<ModelProto, ModelProto> rewrite)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
        byte[] bytes;
        using (var s = entry.Open()) { using var copy = new MemoryStream(); s.CopyTo(copy); bytes = copy.ToArray(); }
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        Assert.AreEqual(bytes.Length - 4, length, "ML.NET's OnnxModel entry layout changed");
        byte[] rewritten = rewrite(ModelProto.Parser.ParseFrom(bytes, 4, length)).ToByteArray();
        string name = entry.FullName;
        entry.Delete();
        using var w = zip.CreateEntry(name).Open();
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, rewritten.Length);
        w.Write(prefix);
        w.Write(rewritten);
    }

    private static void MoveToExternalData(TensorProto tensor, string location, bool setDataLocation = true, bool addEntry = true)
    {
        tensor.RawData = ByteString.Empty;
        tensor.FloatData.Clear();
        if (setDataLocation) tensor.DataLocation = TensorProto.Types.DataLocation.External;
        if (addEntry) tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
    }

    private static InvalidDataException LoadFails(string path, ModelLoadOptions? options = null) =>
        Assert.ThrowsExactly<InvalidDataException>(() => MLExtensionsRuntime.LoadModel(new MLContext(), path, out _, options));

    [TestMethod]
    public void LoadModel_InitializerWithExternalDataInTempFolder_ThrowsNamingFileAndTensor()
    {
        // The attack: ML.NET writes the ONNX bytes into the temp folder, so ONNX Runtime resolves a relative location there.
        string model = SaveModel();
        string secretName = Path.GetFileName(TempPath("secret")) + ".bin";
        string secret = Path.Combine(Path.GetTempPath(), secretName);
        string tensorName = "";
        try
        {
            File.WriteAllBytes(secret, new byte[1024]);
            RewriteOnnxEntry(model, proto =>
            {
                var bias = proto.Graph.Initializer.Last(t => t.DataType == (int)TensorProto.Types.DataType.Float);
                tensorName = bias.Name;
                MoveToExternalData(bias, secretName);
                return proto;
            });
            var ex = LoadFails(model);
            StringAssert.Contains(ex.Message, model);
            StringAssert.Contains(ex.Message, $"'{tensorName}'");
            StringAssert.Contains(ex.Message, "external data");
            StringAssert.Contains(ex.Message, secretName);
        }
        finally
        {
            File.Delete(model);
            File.Delete(secret);
        }
    }

    [TestMethod]
    [DataRow("data_location only"), DataRow("external_data only"), DataRow("sparse initializer"), DataRow("Constant in an If branch"),
     DataRow("Constant in a function"), DataRow("training graph")]
    public void LoadModel_ExternalDataAnywhereInTheModel_ThrowsNamingTensor(string where)
    {
        string model = SaveModel();
        try
        {
            RewriteOnnxEntry(model, proto =>
            {
                var tensor = new TensorProto { Name = "hidden_tensor", DataType = (int)TensorProto.Types.DataType.Float };
                tensor.Dims.Add(1);
                MoveToExternalData(tensor, "x.bin", setDataLocation: where != "external_data only", addEntry: where != "data_location only");
                var constant = new NodeProto { OpType = "Constant", Output = { "c" } };
                constant.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
                switch (where)
                {
                    case "data_location only" or "external_data only":
                        proto.Graph.Initializer.Add(tensor);
                        break;
                    case "sparse initializer":
                        var indices = new TensorProto { Name = "idx", DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { 0 } };
                        proto.Graph.SparseInitializer.Add(new SparseTensorProto { Values = tensor, Indices = indices, Dims = { 4 } });
                        break;
                    case "Constant in an If branch":
                        var branch = new GraphProto { Name = "then", Node = { constant } };
                        var ifNode = new NodeProto { OpType = "If", Input = { "cond" }, Output = { "y" } };
                        ifNode.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
                        proto.Graph.Node.Add(ifNode);
                        break;
                    case "Constant in a function":
                        proto.Functions.Add(new FunctionProto { Name = "f", Domain = "local", Node = { constant } });
                        break;
                    case "training graph":
                        proto.TrainingInfo.Add(new TrainingInfoProto { Initialization = new GraphProto { Name = "init", Node = { constant } } });
                        break;
                }
                return proto;
            });
            var ex = LoadFails(model);
            StringAssert.Contains(ex.Message, model);
            StringAssert.Contains(ex.Message, "'hidden_tensor'");
            StringAssert.Contains(ex.Message, "external data");
        }
        finally
        {
            File.Delete(model);
        }
    }

    [TestMethod]
    public void LoadModel_OnnxEntryTruncated_ThrowsNamingFileAndEntry()
    {
        string model = SaveModel();
        try
        {
            using (var zip = ZipFile.Open(model, ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
                byte[] bytes;
                using (var s = entry.Open()) { using var copy = new MemoryStream(); s.CopyTo(copy); bytes = copy.ToArray(); }
                string name = entry.FullName;
                entry.Delete();
                using var w = zip.CreateEntry(name).Open();
                w.Write(bytes, 0, bytes.Length / 2);   // the length prefix promises more than follows
            }
            var ex = LoadFails(model);
            StringAssert.Contains(ex.Message, model);
            StringAssert.Contains(ex.Message, "OnnxModel");
        }
        finally
        {
            File.Delete(model);
        }
    }

    /// <summary>A zip with one entry of <paramref name="size"/> zero bytes (deflated, they compress about 1000:1).</summary>
    private static string ZipOfZeros(long size, string entryName = "TransformerChain/Model.key", CompressionLevel level = CompressionLevel.Fastest)
    {
        string path = TempPath("bomb") + ".zip";
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var w = zip.CreateEntry(entryName, level).Open();
        var block = new byte[1 << 20];
        for (long written = 0; written < size; written += block.Length)
            w.Write(block, 0, (int)Math.Min(block.Length, size - written));
        return path;
    }

    /// <summary>Overwrites the uncompressed size of every entry in the local headers and the central directory (no ZIP64 here).</summary>
    private static void PatchDeclaredSize(string path, uint declared)
    {
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 0; i + 30 <= bytes.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (signature == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 22), declared);        // local file header
            else if (signature == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), declared);   // central directory
        }
        File.WriteAllBytes(path, bytes);
    }

    [TestMethod]
    public void LoadModel_ZipBombOverTheLimit_ThrowsNamingLimitAndEntry()
    {
        string path = ZipOfZeros(16L << 20);
        try
        {
            Assert.IsLessThan(1L << 20, new FileInfo(path).Length, "the test zip should be small");
            var ex = LoadFails(path, new ModelLoadOptions { MaxUncompressedBytes = 1 << 20 });
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, nameof(ModelLoadOptions.MaxUncompressedBytes));
            StringAssert.Contains(ex.Message, "TransformerChain/Model.key");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadModel_EntryDeclaringMoreThanTheDefaultLimit_FailsBeforeInflating()
    {
        // Declares 3 GiB; only 1 MiB is there, so failing fast shows the declared size is checked before inflating.
        string path = ZipOfZeros(1L << 20);
        try
        {
            PatchDeclaredSize(path, 3u << 30);
            var ex = LoadFails(path);
            StringAssert.Contains(ex.Message, nameof(ModelLoadOptions.MaxUncompressedBytes));
            StringAssert.Contains(ex.Message, "declare");
            StringAssert.Contains(ex.Message, ModelLoadOptions.DefaultMaxUncompressedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadModel_EntryInflatingBeyondItsDeclaredSize_ThrowsNamingEntry()
    {
        // A stored (not deflated) entry that declares 100 bytes but holds 4 MiB: System.IO.Compression stops a deflated entry at
        // its declared size but reads a stored one to its compressed size, so a check of the declared sizes alone would let it through.
        string path = ZipOfZeros(4L << 20, "TransformerChain/OnnxModel", CompressionLevel.NoCompression);
        try
        {
            PatchDeclaredSize(path, 100);
            var ex = LoadFails(path);
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, "TransformerChain/OnnxModel");
            StringAssert.Contains(ex.Message, "100 bytes it declares");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadModel_ModelWithinALimit_Loads_AndAModelOverIt_Fails()
    {
        string model = SaveModel();
        try
        {
            long inflated;
            using (var zip = ZipFile.OpenRead(model)) inflated = zip.Entries.Sum(e => e.Length);
            MLExtensionsRuntime.LoadModel(new MLContext(), model, out _, new ModelLoadOptions { MaxUncompressedBytes = inflated });
            var ex = LoadFails(model, new ModelLoadOptions { MaxUncompressedBytes = inflated - 1 });
            StringAssert.Contains(ex.Message, nameof(ModelLoadOptions.MaxUncompressedBytes));
        }
        finally
        {
            File.Delete(model);
        }
    }

    [TestMethod, DataRow(0L), DataRow(-1L), DataRow(5L << 30)]
    public void LoadModel_InvalidLimit_ThrowsNamingOption(long limit)
    {
        using var stream = new MemoryStream();
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            MLExtensionsRuntime.LoadModel(new MLContext(), stream, "s", out _, new ModelLoadOptions { MaxUncompressedBytes = limit }));
        Assert.AreEqual(nameof(ModelLoadOptions.MaxUncompressedBytes), ex.ParamName);
    }
}
