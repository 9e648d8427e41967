using Microsoft.ML;
using MLExtensions.Tests.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Training;

/// <summary>The streamed batch source reuses one array for every full chunk; every row must still arrive intact and with its own label.</summary>
[TestClass]
public sealed class StreamedChunkContentTests
{
    [TestMethod]
    public void TorchTensorFromAnArray_CopiesIt()
    {
        // The reuse relies on this: a chunk's tensor must not see later writes into the array it was made from.
        var array = new float[] { 1, 2, 3, 4 };
        using var t = torch.tensor(array, new long[] { 2, 2 });
        array[0] = 99;
        Assert.AreEqual(1f, t[0, 0].item<float>());
    }

    [TestMethod]
    [DataRow(7, 5)]
    [DataRow(6, 4)]
    public void EveryRowArrivesOncePerEpoch_WithItsOwnFeaturesAndLabel(int chunkRows, int batch)
    {
        // 30 rows (4 full chunks of 7 and a short one of 2, or 5 of 6), row i = (i, i + 0.5, −i, 2i) with label i; two epochs.
        const int n = 30;
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, n).Select(i => new SyntheticData.RegressionRow { Features = [i, i + 0.5f, -i, 2 * i], Label = i }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        var source = new StreamedTrainingRows(view, PredictionTask.Regression, "Features", "Label", null, SyntheticData.FeatureCount, 0, null,
            rows.Select(r => r.Label).ToArray(), chunkRows, SparseFeatureMode.Dense);
        using var batches = source.Open(PredictionTask.Regression, labelMean: 0, labelScale: 1, torch.CPU);
        using var generator = new Generator(3);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            batches.BeginEpoch(generator);
            var seen = new List<int>();
            for (int start = 0; start < n; start += batch)
            {
                using var scope = NewDisposeScope();
                var (features, labels, _) = batches.Take(start, Math.Min(batch, n - start));
                var x = features.data<float>().ToArray();
                var y = labels.data<float>().ToArray();
                for (int r = 0; r < y.Length; r++)
                {
                    int i = (int)y[r];
                    CollectionAssert.AreEqual(new[] { i, i + 0.5f, -i, 2f * i }, x.AsSpan(r * 4, 4).ToArray(), $"epoch {epoch}, row with label {i}");
                    seen.Add(i);
                }
            }
            batches.EndEpoch();
            CollectionAssert.AreEquivalent(Enumerable.Range(0, n).ToArray(), seen.ToArray(), $"epoch {epoch}: every row once");
        }
    }
}
