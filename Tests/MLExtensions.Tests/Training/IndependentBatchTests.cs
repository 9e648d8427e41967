using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Training;

/// <summary>
/// <see cref="BatchSource.TakeIndependent"/>, the second minibatch of LANTON's option I in the trainers: the rows are identified by
/// their label (the row's index) and by feature 0 (index + 1), so each test sees which rows a batch holds.
/// </summary>
[TestClass]
public sealed class IndependentBatchTests
{
    private const int Width = 3;

    public sealed class Row
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private static Row[] Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new Row { Features = [i + 1, 0, (i % 3) * 0.5f], Label = i }).ToArray();

    private static PackedData Packed(int count, bool sparse)
    {
        var rows = Rows(count);
        var dense = new PackedData(rows.SelectMany(r => r.Features).ToArray(), rows.Select(r => r.Label).ToArray(), null, count, Width);
        if (!sparse) return dense;
        var starts = new long[count + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < Width; j++)
            {
                if (rows[i].Features[j] == 0) continue;
                indices.Add(j);
                values.Add(rows[i].Features[j]);
            }
            starts[i + 1] = values.Count;
        }
        return dense with { Features = [], Sparse = new SparseRows(starts, indices.ToArray(), values.ToArray()) };
    }

    private static TrainingRows Streamed(int count, int chunkRows)
    {
        var rows = Rows(count);
        var view = new MLContext(1).Data.LoadFromEnumerable(rows);
        return new StreamedTrainingRows(view, PredictionTask.Regression, "Features", "Label", null, Width, 0, null,
            rows.Select(r => r.Label).ToArray(), chunkRows, SparseFeatureMode.Dense);
    }

    /// <summary>The row indices of a batch, checked against its features (feature 0 = index + 1, dense or sparse).</summary>
    private static int[] Ids((Tensor Features, Tensor Labels, Tensor? Weights) batch)
    {
        var labels = batch.Labels.data<float>().ToArray();
        var x = batch.Features.is_sparse ? batch.Features.to_dense() : batch.Features;
        var first = x.select(1, 0).contiguous().data<float>().ToArray();
        CollectionAssert.AreEqual(labels.Select(l => l + 1).ToArray(), first, "the features belong to the labels' rows");
        return labels.Select(l => (int)l).ToArray();
    }

    /// <summary>Every step's batch and its independent batch, for an epoch of batches of <paramref name="batchSize"/>.</summary>
    private static List<(int[] Own, int[] Independent)> Epoch(TrainingRows rows, int batchSize, ulong seed = 1)
    {
        using var scope = NewDisposeScope();
        using var source = rows.Open(PredictionTask.Regression, 0, 1, CPU);
        using var order = new Generator(seed);
        using var draws = new Generator(seed + 100);
        source.BeginEpoch(order);
        var result = new List<(int[], int[])>();
        for (int start = 0; start < rows.RowCount; start += batchSize)
        {
            int count = Math.Min(batchSize, rows.RowCount - start);
            var own = Ids(source.Take(start, count));
            result.Add((own, Ids(source.TakeIndependent(start, count, draws))));
        }
        source.EndEpoch();
        return result;
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Packed_IndependentBatch_HasTheStepsSize_DistinctRows_NoneOfTheStepsOwn(bool sparse)
    {
        var batches = Epoch(new PackedTrainingRows(Packed(100, sparse)), 16);
        Assert.AreEqual(7, batches.Count);
        var seen = new HashSet<int>();
        foreach (var (own, independent) in batches)
        {
            Assert.AreEqual(own.Length, independent.Length, "the same batch size (the last batch: 4 rows)");
            Assert.AreEqual(independent.Length, independent.Distinct().Count(), "drawn without replacement");
            Assert.IsFalse(independent.Intersect(own).Any(), "no row of the step's own batch");
            Assert.IsTrue(independent.All(i => i >= 0 && i < 100));
            seen.UnionWith(independent);
        }
        Assert.IsTrue(seen.Count > 60, $"drawn from the whole epoch, not from a fixed stretch ({seen.Count} rows seen)");
        CollectionAssert.AreNotEqual(batches[0].Independent, Epoch(new PackedTrainingRows(Packed(100, sparse)), 16, seed: 2)[0].Independent);
        var again = Epoch(new PackedTrainingRows(Packed(100, sparse)), 16);
        for (int b = 0; b < batches.Count; b++) CollectionAssert.AreEqual(batches[b].Independent, again[b].Independent, "deterministic for the seed");
    }

    [TestMethod]
    public void Packed_BatchOfMoreThanHalfTheRows_TakesEveryOtherRowAndFillsUpWithTheStepsFirstRows()
    {
        var (own, independent) = Epoch(new PackedTrainingRows(Packed(10, sparse: false)), 7)[0];
        var outside = Enumerable.Range(0, 10).Except(own).ToArray();
        CollectionAssert.AreEquivalent(outside, independent.Take(3).ToArray(), "all 3 rows outside the step's batch");
        CollectionAssert.AreEqual(own.Take(4).ToArray(), independent.Skip(3).ToArray(), "then the step's first 4 rows (overlap 4 = 2·7 − 10)");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Packed_OneBatchPerEpoch_IndependentBatchIsTheStepsOwnInItsOrder(bool sparse)
    {
        var batches = Epoch(new PackedTrainingRows(Packed(30, sparse)), 30);
        Assert.AreEqual(1, batches.Count);
        CollectionAssert.AreEqual(batches[0].Own, batches[0].Independent, "no other rows exist: the full batch itself, in the same order");
    }

    [TestMethod]
    public void Streamed_IndependentBatch_ComesFromTheChunksInMemory_NoneOfTheStepsOwn()
    {
        const int chunk = 40;
        var batches = Epoch(Streamed(160, chunk), 16);
        Assert.AreEqual(10, batches.Count);
        foreach (var (own, independent) in batches)
        {
            Assert.AreEqual(16, independent.Length);
            Assert.AreEqual(16, independent.Distinct().Count());
            Assert.IsFalse(independent.Intersect(own).Any(), "no row of the step's own batch");
            // The view's order is the rows' index order, so chunk k holds rows [40k, 40k + 40); the pool is the chunk(s) of the batch.
            var chunks = own.Select(i => i / chunk).Distinct().ToArray();
            Assert.IsTrue(independent.All(i => chunks.Contains(i / chunk)), "drawn from the chunk(s) that hold the step's batch");
        }
    }

    [TestMethod]
    public void Streamed_OneChunkHoldingEveryRow_IsThePackedDrawExactly()
    {
        var packed = Epoch(new PackedTrainingRows(Packed(100, sparse: false)), 16);
        var streamed = Epoch(Streamed(100, 1_000), 16);
        for (int b = 0; b < packed.Count; b++)
        {
            CollectionAssert.AreEqual(packed[b].Own, streamed[b].Own);
            CollectionAssert.AreEqual(packed[b].Independent, streamed[b].Independent);
        }
    }
}
