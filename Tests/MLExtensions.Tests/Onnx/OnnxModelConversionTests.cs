using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Onnx;

[TestClass]
public sealed class OnnxModelConversionTests
{
    private const double Tolerance = 1e-5;

    public sealed class Row
    {
        [VectorType(4)]
        public float[] Raw { get; set; } = [];
        public float Extra { get; set; }
        public bool Label { get; set; }
        public float Target { get; set; }
        public string Class { get; set; } = "";
        public float ClassNumber { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    public sealed class MulticlassPrediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    public sealed class RegressionPrediction
    {
        public float Score { get; set; }
    }

    private static Row[] MakeRows(int count, int seed)
    {
        var random = new Random(seed);
        string[] classes = ["setosa", "versicolor", "virginica"];
        return Enumerable.Range(0, count).Select(i =>
        {
            var raw = Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 10 - 3)).ToArray();
            float extra = (float)random.NextDouble();
            float signal = raw[0] - raw[1] + 2 * extra;
            return new Row
            {
                Raw = raw, Extra = extra, Label = signal > 1.5f, Target = signal + (float)random.NextDouble(),
                Class = classes[(int)Math.Clamp(Math.Floor((signal + 8) / 6), 0, 2)],
                ClassNumber = 10 * (float)Math.Clamp(Math.Floor((signal + 8) / 6), 0, 2) + 0.5f,
            };
        }).ToArray();
    }

    /// <summary>Concatenate, min-max normalize and (for multiclass) map the class to a key label.</summary>
    private static ITransformer FitFeaturizer(MLContext ml, IDataView data, bool multiclass, string features = "Features", bool numericClasses = false)
    {
        IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate(features, nameof(Row.Raw), nameof(Row.Extra))
            .Append(ml.Transforms.NormalizeMinMax(features));
        if (multiclass) pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey("Label", numericClasses ? nameof(Row.ClassNumber) : nameof(Row.Class)));
        return pipeline.Fit(data);
    }

    private static (ITransformer Loaded, IDataView Reloaded, MLContext Ml2) SaveAndReload(MLContext ml, ITransformer model, IDataView data, Row[] rows)
    {
        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(model, data.Schema, stream);
        stream.Position = 0;
        var ml2 = new MLContext(seed: 2);
        var loaded = MLExtensionsRuntime.LoadModel(ml2, stream, "test stream", out var schema);
        Assert.AreEqual(data.Schema.Count, schema.Count);
        var reloaded = loaded.Transform(ml2.Data.LoadFromEnumerable(rows));
        Assert.IsFalse(reloaded.Schema.Any(c => c.Name.StartsWith("MLExtensionsOnnx", StringComparison.Ordinal)), "intermediate columns leaked");
        return (loaded, reloaded, ml2);
    }

    [TestMethod]
    public void SaveWithOnnx_BinaryPipeline_ReloadMatchesTorchSharpAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeRows(80, 11);
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurizer = FitFeaturizer(ml, data, multiclass: false);
        var arch = new MlpArchitecture(5, [8, 4], ActivationKind.GELU, NormalizationKind.BatchNorm, 0.1, 1);
        using var ours = new TorchMlpTestTransformer(ml, arch, MlpOnnxExporterTests.TrainedWeights(arch, 21), PredictionTask.BinaryClassification,
                                                     featurizer.GetOutputSchema(data.Schema));
        var model = Then(featurizer, ours);
        var expected = model.Transform(data);

        var (loaded, actual, ml2) = SaveAndReload(ml, model, data, rows);

        AssertSameColumnTypes(expected.Schema, actual.Schema, "Score", "Probability", "PredictedLabel");
        AssertClose(Column<float>(expected, "Score"), Column<float>(actual, "Score"));
        AssertClose(Column<float>(expected, "Probability"), Column<float>(actual, "Probability"));
        CollectionAssert.AreEqual(Column<bool>(expected, "PredictedLabel"), Column<bool>(actual, "PredictedLabel"));

        var before = ml.BinaryClassification.Evaluate(expected);
        var after = ml2.BinaryClassification.Evaluate(actual);
        Assert.AreEqual(before.AreaUnderRocCurve, after.AreaUnderRocCurve, Tolerance);
        Assert.AreEqual(before.Accuracy, after.Accuracy, Tolerance);
        Assert.AreEqual(before.LogLoss, after.LogLoss, Tolerance);

        var engine = ml2.Model.CreatePredictionEngine<Row, BinaryPrediction>(loaded);
        var first = engine.Predict(rows[0]);
        Assert.AreEqual(Column<float>(expected, "Score")[0], first.Score, Tolerance);
        Assert.AreEqual(Column<float>(expected, "Probability")[0], first.Probability, Tolerance);
        Assert.AreEqual(Column<bool>(expected, "PredictedLabel")[0], first.PredictedLabel);
    }

    [TestMethod, DataRow(false), DataRow(true)]
    public void SaveWithOnnx_MulticlassPipeline_ReloadKeepsKeyTypeAndEvaluates(bool numericClasses)
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeRows(90, 12);
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurizer = FitFeaturizer(ml, data, multiclass: true, numericClasses: numericClasses);
        var featurized = featurizer.GetOutputSchema(data.Schema);
        var classNames = KeyValuesAsText(featurized);
        Assert.HasCount(3, classNames);
        var arch = new MlpArchitecture(5, [7], ActivationKind.SiLU, NormalizationKind.LayerNorm, 0, 3);
        using var ours = new TorchMlpTestTransformer(ml, arch, MlpOnnxExporterTests.TrainedWeights(arch, 22), PredictionTask.MulticlassClassification,
                                                     featurized, classNames, classValueKind: numericClasses ? DataKind.Single : null);
        var model = Then(featurizer, ours);
        var expected = model.Transform(data);

        var (loaded, actual, ml2) = SaveAndReload(ml, model, data, rows);

        AssertSameColumnTypes(expected.Schema, actual.Schema, "Score", "PredictedLabel");
        AssertClose(Column<float[]>(expected, "Score").SelectMany(s => s).ToArray(), Column<float[]>(actual, "Score").SelectMany(s => s).ToArray());
        CollectionAssert.AreEqual(Column<uint>(expected, "PredictedLabel"), Column<uint>(actual, "PredictedLabel"));
        Assert.AreEqual(featurized["Label"].Annotations.Schema["KeyValues"].Type, actual.Schema["PredictedLabel"].Annotations.Schema["KeyValues"].Type);
        CollectionAssert.AreEqual(classNames, KeyValuesAsText(actual.Schema, "PredictedLabel"));

        var before = ml.MulticlassClassification.Evaluate(expected);
        var after = ml2.MulticlassClassification.Evaluate(actual);
        Assert.AreEqual(before.MicroAccuracy, after.MicroAccuracy, Tolerance);
        Assert.AreEqual(before.LogLoss, after.LogLoss, Tolerance);

        var names = ml2.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(actual).Transform(actual);
        var predictedNames = numericClasses
            ? names.GetColumn<float>("PredictedName").Select(n => n.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : names.GetColumn<ReadOnlyMemory<char>>("PredictedName").Select(n => n.ToString()).ToArray();
        CollectionAssert.AreEqual(Column<uint>(expected, "PredictedLabel").Select(k => classNames[k - 1]).ToArray(), predictedNames);

        var engine = ml2.Model.CreatePredictionEngine<Row, MulticlassPrediction>(loaded);
        var first = engine.Predict(rows[0]);
        AssertClose(Column<float[]>(expected, "Score")[0], first.Score);
        Assert.AreEqual(Column<uint>(expected, "PredictedLabel")[0], first.PredictedLabel);
    }

    [TestMethod]
    public void SaveWithOnnx_NestedRegressionChain_ReloadMatchesTorchSharpAndEvaluates()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeRows(70, 13);
        var data = ml.Data.LoadFromEnumerable(rows);
        var featurizer = FitFeaturizer(ml, data, multiclass: false, features: "Inputs");
        var arch = new MlpArchitecture(5, [6, 6], ActivationKind.Tanh, NormalizationKind.None, 0, 1);
        using var ours = new TorchMlpTestTransformer(ml, arch, MlpOnnxExporterTests.TrainedWeights(arch, 23), PredictionTask.Regression,
                                                     featurizer.GetOutputSchema(data.Schema), featureColumnName: "Inputs");
        var copy = ml.Transforms.CopyColumns("ScoreCopy", "Score").Fit(ours.Transform(featurizer.Transform(data)));
        var model = new TransformerChain<ITransformer>(featurizer, new TransformerChain<ITransformer>(ours), copy);
        var expected = model.Transform(data);

        var (loaded, actual, ml2) = SaveAndReload(ml, model, data, rows);

        AssertSameColumnTypes(expected.Schema, actual.Schema, "Score", "ScoreCopy");
        AssertClose(Column<float>(expected, "Score"), Column<float>(actual, "Score"));
        AssertClose(Column<float>(expected, "Score"), Column<float>(actual, "ScoreCopy"));
        var before = ml.Regression.Evaluate(expected, labelColumnName: nameof(Row.Target));
        var after = ml2.Regression.Evaluate(actual, labelColumnName: nameof(Row.Target));
        Assert.AreEqual(before.RootMeanSquaredError, after.RootMeanSquaredError, Tolerance);

        var engine = ml2.Model.CreatePredictionEngine<Row, RegressionPrediction>(loaded);
        Assert.AreEqual(Column<float>(expected, "Score")[0], engine.Predict(rows[0]).Score, Tolerance);
    }

    [TestMethod]
    public void ConvertToOnnxBacked_BareTransformer_GivesSameScores()
    {
        var ml = new MLContext(seed: 1);
        var rows = MakeRows(30, 14);
        var featurized = FitFeaturizer(ml, ml.Data.LoadFromEnumerable(rows), multiclass: false).Transform(ml.Data.LoadFromEnumerable(rows));
        var arch = new MlpArchitecture(5, [4], ActivationKind.LeakyReLU, NormalizationKind.BatchNorm, 0, 1);
        using var ours = new TorchMlpTestTransformer(ml, arch, MlpOnnxExporterTests.TrainedWeights(arch, 24), PredictionTask.Regression, featurized.Schema);
        var converted = ml.Model.ConvertToOnnxBacked(ours, featurized.Schema);
        Assert.IsNotInstanceOfType<TorchMlpTestTransformer>(converted);
        AssertClose(Column<float>(ours.Transform(featurized), "Score"), Column<float>(converted.Transform(featurized), "Score"));
    }

    [TestMethod]
    public void ConvertToOnnxBacked_NoConvertibleTransformer_ReturnsSameModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeRows(10, 1));
        var featurizer = FitFeaturizer(ml, data, multiclass: false);
        Assert.AreSame(featurizer, ml.Model.ConvertToOnnxBacked(featurizer, data.Schema));
    }

    [TestMethod]
    public void ConvertToOnnxBacked_CorruptOnnxBytes_ThrowsNamingTransformer()
    {
        var (ml, model, data) = BinaryModel(m => m with { OnnxModel = m.OnnxModel[..(m.OnnxModel.Length / 2)] });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.ConvertToOnnxBacked(model, data.Schema));
        StringAssert.Contains(ex.Message, nameof(TorchMlpTestTransformer));
        StringAssert.Contains(ex.Message, "ONNX");
    }

    [TestMethod]
    public void ConvertToOnnxBacked_WellFormedButBrokenGraph_ThrowsNamingTransformer()
    {
        var (ml, model, data) = BinaryModel(m =>
        {
            var proto = global::Onnx.ModelProto.Parser.ParseFrom(m.OnnxModel);
            proto.Graph.Node.RemoveAt(0);   // the first Gemm: later nodes read a value nothing produces
            return m with { OnnxModel = Google.Protobuf.MessageExtensions.ToByteArray(proto) };
        });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.ConvertToOnnxBacked(model, data.Schema));
        StringAssert.Contains(ex.Message, nameof(TorchMlpTestTransformer));
    }

    [TestMethod]
    public void ConvertToOnnxBacked_WrongFeatureSize_Throws()
    {
        var (ml, model, data) = BinaryModel(m => m with { FeatureSize = 7 });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.ConvertToOnnxBacked(model, data.Schema));
        StringAssert.Contains(ex.Message, "7");
    }

    [TestMethod]
    public void ConvertToOnnxBacked_TaskMismatch_ThrowsNamingMissingOutput()
    {
        var (ml, model, data) = BinaryModel(m => m with { Task = PredictionTask.MulticlassClassification, ClassNames = ["a", "b"] });
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.ConvertToOnnxBacked(model, data.Schema));
        StringAssert.Contains(ex.Message, "Score");
    }

    [TestMethod]
    public void LoadModel_TruncatedZip_ThrowsNamingFile()
    {
        var (ml, model, data) = BinaryModel(null);
        string path = Path.Combine(Path.GetTempPath(), $"mlext-truncated-{Guid.NewGuid():N}.zip");
        try
        {
            using (var stream = new MemoryStream())
            {
                ml.Model.SaveWithOnnx(model, data.Schema, stream);
                File.WriteAllBytes(path, stream.ToArray()[..(int)(stream.Length / 2)]);
            }
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => MLExtensionsRuntime.LoadModel(new MLContext(), path, out _));
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, "ML.NET model zip");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadModel_CorruptOnnxInsideZip_ThrowsNamingFile()
    {
        var (ml, model, data) = BinaryModel(null);
        string path = Path.Combine(Path.GetTempPath(), $"mlext-corrupt-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.SaveWithOnnx(model, data.Schema, path);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
                byte[] bytes;
                using (var s = entry.Open()) { using var copy = new MemoryStream(); s.CopyTo(copy); bytes = copy.ToArray(); }
                for (int i = 16; i < bytes.Length; i += 3) bytes[i] = (byte)(bytes[i] ^ 0x5A);   // keep the length prefix, scramble the protobuf
                string name = entry.FullName;
                entry.Delete();
                using var w = zip.CreateEntry(name).Open();
                w.Write(bytes);
            }
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => MLExtensionsRuntime.LoadModel(new MLContext(), path, out _));
            StringAssert.Contains(ex.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void LoadModel_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlext-missing-{Guid.NewGuid():N}.zip");
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => MLExtensionsRuntime.LoadModel(new MLContext(), path, out _));
        StringAssert.Contains(ex.Message, path);
    }

    internal static (MLContext Ml, ITransformer Model, IDataView Data) BinaryModel(Func<OnnxScoringModel, OnnxScoringModel>? tamper)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(MakeRows(20, 3));
        var featurizer = FitFeaturizer(ml, data, multiclass: false);
        var arch = new MlpArchitecture(5, [3], ActivationKind.ReLU, NormalizationKind.None, 0, 1);
        var ours = new TorchMlpTestTransformer(ml, arch, MlpOnnxExporterTests.TrainedWeights(arch, 4), PredictionTask.BinaryClassification,
                                               featurizer.GetOutputSchema(data.Schema)) { Tamper = tamper };
        return (ml, Then(featurizer, ours), data);
    }

    /// <summary>A flat chain: the featurizer's transformers, then <paramref name="last"/>.</summary>
    private static TransformerChain<ITransformer> Then(ITransformer featurizer, ITransformer last) =>
        new(((IEnumerable<ITransformer>)featurizer).Append(last).ToArray());

    /// <summary>The key values of a key column as text (floats in invariant round-trip form).</summary>
    private static string[] KeyValuesAsText(DataViewSchema schema, string column = "Label")
    {
        if (schema[column].Annotations.Schema["KeyValues"].Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> text = default;
            schema[column].GetKeyValues(ref text);
            return text.DenseValues().Select(k => k.ToString()).ToArray();
        }
        VBuffer<float> numbers = default;
        schema[column].GetKeyValues(ref numbers);
        return numbers.DenseValues().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static T[] Column<T>(IDataView view, string name) => view.GetColumn<T>(name).ToArray();

    private static void AssertSameColumnTypes(DataViewSchema expected, DataViewSchema actual, params string[] names)
    {
        foreach (string name in names)
            Assert.AreEqual(expected[name].Type, actual[name].Type, $"type of column '{name}'");
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], Tolerance, $"element {i}");
    }
}

/// <summary>Lets other test classes build the small binary model of <see cref="OnnxModelConversionTests"/>.</summary>
internal static class OnnxModelConversionTestsAccess
{
    public static void SaveSmallBinaryModel(MLContext ml, Stream stream)
    {
        var (_, model, data) = OnnxModelConversionTests.BinaryModel(null);
        ml.Model.SaveWithOnnx(model, data.Schema, stream);
    }
}
