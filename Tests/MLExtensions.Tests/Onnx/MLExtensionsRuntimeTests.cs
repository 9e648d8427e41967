using System.IO.Compression;
using System.Text;
using Microsoft.ML;

namespace MLExtensions.Tests.Onnx;

[TestClass]
public sealed class MLExtensionsRuntimeTests
{
    [TestMethod]
    public void RuntimeAssembly_References_NeitherTorchSharpNorOnnxSharpNorMLExtensions()
    {
        var references = typeof(MLExtensionsRuntime).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        foreach (string forbidden in new[] { "TorchSharp", "OnnxSharp", "Google.Protobuf", "MLExtensions" })
            CollectionAssert.DoesNotContain(references, forbidden);
    }

    [TestMethod]
    public void RuntimeAssembly_NamesNoStackingAssembly()
    {
        // Layering (issue #9): the serving assembly names no assembly built on it, not even as a string to load by name;
        // MLExtensions.Stacking marks itself with CustomMappingAssemblyAttribute instead.
        byte[] dll = File.ReadAllBytes(typeof(MLExtensionsRuntime).Assembly.Location);
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode })
        {
            byte[] name = encoding.GetBytes("Stacking");
            Assert.AreEqual(-1, dll.AsSpan().IndexOf(name), $"MLExtensions.Runtime.dll contains 'Stacking' ({encoding.EncodingName})");
        }
    }

    [TestMethod]
    public void MappingAssemblies_FindTheLoadedStackingAssemblyByItsMark()
    {
        var stacking = typeof(StackingPersistence).Assembly;

        CollectionAssert.Contains(MLExtensionsRuntime.MappingAssemblies().ToList(), stacking);
        CollectionAssert.DoesNotContain(MLExtensionsRuntime.MappingAssemblies().ToList(), typeof(NeuralNetworkPredictionTransformer).Assembly,
            "MLExtensions has no mapping factories and is not marked");
    }

    [TestMethod]
    public void Register_TwiceOnSameContext_DoesNotThrow()
    {
        var ml = new MLContext();
        MLExtensionsRuntime.Register(ml);
        MLExtensionsRuntime.Register(ml);
    }

    [TestMethod]
    public void Mapping_OutputOfWrongLength_ThrowsNamingColumn()
    {
        var output = new RegressionScoreMapping.Output();
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() =>
            RegressionScoreMapping.Map(new RegressionScoreMapping.Input { Score = [1f, 2f] }, output));
        StringAssert.Contains(ex.Message, OnnxColumnNames.Score);
    }

    [TestMethod]
    public void SavedModel_NamesOnlyTheRuntimeAssembly()
    {
        // The zip must not point at MLExtensions (TorchSharp) for loading: CustomMapping stores its factory's assembly.
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream();
        OnnxModelConversionTestsAccess.SaveSmallBinaryModel(ml, stream);
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            text.Append(Encoding.UTF8.GetString(copy.ToArray())).Append(Encoding.Unicode.GetString(copy.ToArray()));
        }
        string all = text.ToString();
        StringAssert.Contains(all, "MLExtensions.Runtime");
        Assert.IsFalse(all.Contains("MLExtensions, Version", StringComparison.Ordinal), "the model refers to the MLExtensions assembly");
        Assert.IsFalse(all.Contains("TorchSharp", StringComparison.Ordinal), "the model refers to TorchSharp");
    }
}
