using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Training;

/// <summary>Sparse features kept sparse through packing, batching, the first layer and every scoring path (issue #13): the same
/// losses and scores as the dense fit, and wide data that no longer overflows.</summary>
[TestClass]
public sealed class SparseFeatureTests
{
    private const int Width = 300;

    public sealed class SparseRow
    {
        [VectorType(Width)]
        public VBuffer<float> Features { get; set; }

        [KeyType(3)]
        public uint Label { get; set; }
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>Rows with 4 of <see cref="Width"/> slots set (one-hot-like, density 1.3%); the class follows the set slots.</summary>
    internal static SparseRow[] Rows(int count, int seed, int width = Width, int perRow = 4)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var slots = Enumerable.Range(0, perRow).Select(_ => random.Next(width)).Distinct().Order().ToArray();
            var values = slots.Select(_ => (float)(0.5 + random.NextDouble())).ToArray();
            uint label = (uint)(slots.Sum() % 3);
            return new SparseRow { Features = new VBuffer<float>(width, slots.Length, values, slots), Label = label };
        }).ToArray();
    }

    private static NeuralNetworkMulticlassTrainer.Options Options(SparseFeatureMode mode) => new()
    {
        HiddenLayerSizes = [8],
        Dropout = 0.1,
        Epochs = 3,
        BatchSize = 16,
        ValidationFraction = 0.2,
        EarlyStoppingPatience = null,
        Seed = 7,
        Device = DeviceKind.Cpu,
        NumberOfThreads = 1,
        SparseFeatures = mode,
    };

    [TestMethod]
    public void Fit_SparseAndDense_GiveTheSameLossesAndScoresOnEveryScoringPath()
    {
        var ml = new MLContext(1);
        var rows = Rows(240, 3);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var sparse = ml.MulticlassClassification.Trainers.NeuralNetwork(Options(SparseFeatureMode.Sparse)).Fit(data);
        using var dense = ml.MulticlassClassification.Trainers.NeuralNetwork(Options(SparseFeatureMode.Dense)).Fit(data);

        for (int e = 0; e < 3; e++)
        {
            Assert.AreEqual(dense.Model.History[e].TrainingLoss, sparse.Model.History[e].TrainingLoss, 1e-5, $"training loss, epoch {e + 1}");
            Assert.AreEqual(dense.Model.History[e].ValidationLoss!.Value, sparse.Model.History[e].ValidationLoss!.Value, 1e-5, $"validation loss, epoch {e + 1}");
        }

        // Batched Transform (sparse blocks), PredictionEngine (row by row): the sparse model on sparse rows against the dense model.
        var test = ml.Data.LoadFromEnumerable(Rows(50, 4));
        var denseScores = ml.Data.CreateEnumerable<Prediction>(dense.Transform(test), false).Select(p => p.Score).ToArray();
        var sparseScores = ml.Data.CreateEnumerable<Prediction>(sparse.Transform(test), false).Select(p => p.Score).ToArray();
        var engine = ml.Model.CreatePredictionEngine<SparseRow, Prediction>(sparse);
        var testRows = Rows(50, 4);
        for (int r = 0; r < denseScores.Length; r++)
        {
            var single = engine.Predict(testRows[r]).Score;
            for (int c = 0; c < 3; c++)
            {
                Assert.AreEqual(denseScores[r][c], sparseScores[r][c], 1e-5, $"Transform, row {r}, class {c}");
                Assert.AreEqual(denseScores[r][c], single[c], 1e-5, $"PredictionEngine, row {r}, class {c}");
            }
        }
    }

    [TestMethod]
    public void ConvertToOnnxBacked_ModelTrainedOnSparseRows_ScoresSparseInputLikeTheTransformer()
    {
        // The ONNX graph takes a dense float tensor: ML.NET's ONNX transformer densifies each sparse vector before the graph runs.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(120, 5));
        var options = Options(SparseFeatureMode.Auto);
        options.ValidationFraction = 0;
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(data);
        var onnx = ml.Model.ConvertToOnnxBacked(model, data.Schema);
        Assert.IsNotInstanceOfType<NeuralNetworkPredictionTransformer>(onnx);
        var test = ml.Data.LoadFromEnumerable(Rows(40, 6));
        var expected = ml.Data.CreateEnumerable<Prediction>(model.Transform(test), false).ToArray();
        var actual = ml.Data.CreateEnumerable<Prediction>(onnx.Transform(test), false).ToArray();
        for (int r = 0; r < expected.Length; r++)
        {
            for (int c = 0; c < 3; c++) Assert.AreEqual(expected[r].Score[c], actual[r].Score[c], 1e-5, $"row {r}, class {c}");
        }
    }

    [TestMethod]
    public void TryPack_Auto_KeepsSparseRowsSparseOnlyBelowTheDensityThreshold()
    {
        var ml = new MLContext(1);
        PackedData Pack(SparseRow[] rows, SparseFeatureMode mode) =>
            DataPacker.TryPack(ml.Data.LoadFromEnumerable(rows), PredictionTask.MulticlassClassification, "Features", "Label", null, mode, null)!;

        var sparseRows = Rows(40, 1);
        var auto = Pack(sparseRows, SparseFeatureMode.Auto);
        Assert.IsNotNull(auto.Sparse, "sparse rows of density 1.3% stay sparse");
        CollectionAssert.AreEqual(Pack(sparseRows, SparseFeatureMode.Dense).Features, auto.ToDense().Features, "the same values either way");

        var denser = Rows(40, 1, perRow: 60);
        Assert.IsNull(Pack(denser, SparseFeatureMode.Auto).Sparse, "sparse rows of density ~18% are packed dense");
        Assert.IsNotNull(Pack(denser, SparseFeatureMode.Sparse).Sparse, "Sparse forces the sparse form");
    }

    [TestMethod]
    public void Pack_DenseRowsBeyondTheLargestArray_ThrowAClearArgumentException()
    {
        var ml = new MLContext(1);
        // 50,000 × 50,000 dense would be 2.5e9 floats: the packer says so before reading a row, instead of an OverflowException.
        var data = ml.Data.LoadFromEnumerable(Rows(50_000, 2, width: 50_000, perRow: 1).Select(r => new WideRow { Features = r.Features, Label = r.Label }).ToArray());
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            DataPacker.Pack(data, PredictionTask.MulticlassClassification, "Features", "Label", null));
        StringAssert.Contains(e.Message, "50,000 features");
        StringAssert.Contains(e.Message, "SparseFeatures");

        var packed = DataPacker.TryPack(data, PredictionTask.MulticlassClassification, "Features", "Label", null, SparseFeatureMode.Auto, null)!;
        Assert.AreEqual(50_000L, packed.Sparse!.ValueCount, "one value per row, kept sparse");
    }

    [TestMethod]
    public void Fit_OneHot50000Wide_TrainsSparseAndScores()
    {
        var ml = new MLContext(1);
        var rows = Rows(5_000, 2, width: 50_000, perRow: 1).Select(r => new WideRow { Features = r.Features, Label = r.Label }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = Options(SparseFeatureMode.Auto);
        options.HiddenLayerSizes = [4];
        options.Epochs = 1;
        options.BatchSize = 500;
        options.ValidationFraction = 0;
        using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(data);
        Assert.IsTrue(double.IsFinite(model.Model.History[0].TrainingLoss));
        var scores = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.TakeRows(data, 1500)), false).ToArray();
        Assert.AreEqual(1500, scores.Length);
        Assert.IsTrue(scores.All(s => Math.Abs(s.Score.Sum() - 1) < 1e-4), "probabilities");
    }

    public sealed class WideRow
    {
        [VectorType(50_000)]
        public VBuffer<float> Features { get; set; }

        [KeyType(3)]
        public uint Label { get; set; }
    }
}
