using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class PersistenceTests
{
    private static readonly RegularizedMetaLearningCombiner SmallCombiner = new(new()
    {
        OuterFolds = 3,
        RidgeAlphas = [0.01, 0.1, 1, 10],
        LassoAlphas = [1e-4, 1e-3, 1e-2],
        L1Ratios = [0.5, 1.0],
    });

    [TestMethod]
    [DataRow(true, 4)]
    [DataRow(true, 3)]
    [DataRow(false, 4)]
    public void SaveLoad_PredictionColumnStacking_ReloadsWithIdenticalScores(bool metaFeatures, int columns)
    {
        var ml = new MLContext(seed: 1);
        var (p, y) = Synthetic.Library(300, [0.3, 0.5, 0.4, 0.45], seed: 41);
        var rows = Enumerable.Range(0, 300).Select(i => new FourPredictions
        {
            A = (float)p.Columns[0][i], B = (float)p.Columns[1][i], C = (float)p.Columns[2][i], D = (float)p.Columns[3][i], Label = (float)y[i],
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        // No projection, so the ONNX median sees an even (4) or odd (3) number of inputs.
        var combiner = new RegularizedMetaLearningCombiner(new()
        {
            OuterFolds = 3, UseMetaFeatures = metaFeatures, UseRedundancyProjection = false, RidgeAlphas = [0.1, 1], LassoAlphas = [1e-3, 1e-2], L1Ratios = [0.5],
        });
        string[] names = ["A", "B", "C", "D"];
        var transformer = ml.Regression.Trainers.StackPredictions(names[..columns], combiner: combiner).Fit(data);
        Assert.AreEqual(columns + (metaFeatures ? MetaFeatures.Count : 0), transformer.Model.FeatureCount);
        string path = Path.Combine(Path.GetTempPath(), $"stacking-{Guid.NewGuid():N}.zip");
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            var loaded = StackingPersistence.Load(new MLContext(seed: 2), path, out _);

            var expected = transformer.Transform(data).GetColumn<float>("Score").ToArray();
            var actual = loaded.Transform(data).GetColumn<float>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void SaveLoad_EnsembleOfBaseEstimators_ReloadsWithIdenticalScores()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            var x = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            return new EstimatorTests.FeatureRow { Features = x, Label = (float)(Math.Sin(3 * x[0]) + x[1] + 0.1 * random.NextDouble()) };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var bases = new IEstimator<ITransformer>[]
        {
            ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 20),
            ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 20, minimumExampleCountPerLeaf: 5),
        };
        var transformer = ml.Regression.Trainers.StackingEnsemble(bases, combiner: SmallCombiner, folds: 3).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"stacking-{Guid.NewGuid():N}.zip");
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            var loaded = StackingPersistence.Load(new MLContext(seed: 2), path, out _);

            var expected = transformer.Transform(data).GetColumn<float>("Score").ToArray();
            var actual = loaded.Transform(data).GetColumn<float>("Score").ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
            }

            var engine = new MLContext().Model.CreatePredictionEngine<EstimatorTests.FeatureRow, EstimatorTests.ScoreRow>(loaded);
            Assert.AreEqual(expected[0], engine.Predict(rows[0]).Score, 1e-5f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void SaveLoad_BinaryStacking_ReloadsWithIdenticalProbabilities()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(4);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            double z = 2 * (random.NextDouble() - 0.5);
            double Prob(double noise) => 1 / (1 + Math.Exp(-(3 * z + noise * (random.NextDouble() - 0.5))));
            return new BinaryPredictions { A = (float)Prob(1), B = (float)Prob(2), C = (float)Prob(3), Label = z + 0.3 * (random.NextDouble() - 0.5) > 0 };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var combiner = new RegularizedLogisticMetaLearningCombiner(new() { OuterFolds = 3, RidgeAlphas = [1e-3, 1e-2], LassoAlphas = [1e-3], L1Ratios = [0.5] });
        var transformer = ml.BinaryClassification.Trainers.StackPredictions(["A", "B", "C"], combiner: combiner).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"stacking-{Guid.NewGuid():N}.zip");
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            var loaded = StackingPersistence.Load(new MLContext(seed: 2), path, out _);

            var expected = transformer.Transform(data).GetColumn<float>("Probability").ToArray();
            var actual = loaded.Transform(data).GetColumn<float>("Probability").ToArray();
            var expectedLabel = transformer.Transform(data).GetColumn<bool>("PredictedLabel").ToArray();
            var actualLabel = loaded.Transform(data).GetColumn<bool>("PredictedLabel").ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-5, $"row {i}");
                Assert.AreEqual(expectedLabel[i], actualLabel[i], $"row {i}");
            }

            var metrics = new MLContext().BinaryClassification.Evaluate(loaded.Transform(data));
            Assert.IsGreaterThan(0.8, metrics.AreaUnderRocCurve);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Load_EmbeddedOnnxWithExternalData_ThrowsNamingFileAndTensor()
    {
        var ml = new MLContext(seed: 1);
        var (p, y) = Synthetic.Library(100, [0.3, 0.5, 0.4], seed: 9);
        var rows = Enumerable.Range(0, 100).Select(i => new FourPredictions
        {
            A = (float)p.Columns[0][i], B = (float)p.Columns[1][i], C = (float)p.Columns[2][i], Label = (float)y[i],
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: new SimpleAverageCombiner()).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"stacking-external-{Guid.NewGuid():N}.zip");
        string tensorName = "";
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
                byte[] bytes;
                using (var s = entry.Open()) { using var copy = new MemoryStream(); s.CopyTo(copy); bytes = copy.ToArray(); }
                var model = global::Onnx.ModelProto.Parser.ParseFrom(bytes, 4, bytes.Length - 4);
                var tensor = model.Graph.Initializer.First(t => t.DataType == 11);   // a double constant of the meta part
                tensorName = tensor.Name;
                tensor.DoubleData.Clear();
                tensor.DataLocation = global::Onnx.TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new global::Onnx.StringStringEntryProto { Key = "location", Value = "weights.bin" });
                byte[] rewritten = Google.Protobuf.MessageExtensions.ToByteArray(model);
                string name = entry.FullName;
                entry.Delete();
                using var w = zip.CreateEntry(name).Open();
                w.Write(BitConverter.GetBytes(rewritten.Length));
                w.Write(rewritten);
            }

            var ex = Assert.ThrowsExactly<InvalidDataException>(() => StackingPersistence.Load(new MLContext(seed: 2), path, out _));
            StringAssert.Contains(ex.Message, path);
            StringAssert.Contains(ex.Message, "external data");
            StringAssert.Contains(ex.Message, $"'{tensorName}'");
        }
        finally
        {
            File.Delete(path);
        }
    }

    public sealed class FourPredictions
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public float D { get; set; }

        public float Label { get; set; }
    }

    public sealed class BinaryPredictions
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public bool Label { get; set; }
    }
}
