using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// The batched <c>Transform</c> reads its blocks and writes its outputs in place (no copies around the forward passes); its score
/// columns must equal, bit for bit, the straightforward computation: the same network rebuilt from the weights, the rows of each
/// block copied into a new tensor (dense) or a new COO tensor (sparse), the outputs copied out, then the score mapping. Dense and
/// sparse rows, all three tasks, a partial last block and rows with a non-finite feature.
/// </summary>
[TestClass]
public sealed class BatchScoringBitIdentityTests
{
    private const int Width = 40;
    private const int Rows = 2 * BatchScoringDataView.BatchRows + 77;

    public static IEnumerable<object[]> Cases =>
        from task in Enum.GetValues<PredictionTask>()
        from sparse in new[] { false, true }
        select new object[] { task, sparse };

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Transform_ScoreColumns_AreBitIdenticalToCopyingBlockForward(PredictionTask task, bool sparse)
    {
        var ml = new MLContext(1);
        var rows = MakeRows(Rows, seed: 7);
        var (model, data, scoringRows) = Fit(ml, task, sparse, rows);
        using (model)
        {
            var expected = Expected(model, scoringRows, sparse);
            var actual = ReadScores(model.Transform(data), task);
            Assert.HasCount(Rows, actual);
            int nonFinite = 0;
            for (int i = 0; i < Rows; i++)
            {
                var want = MapScores(task, expected[i]);
                CollectionAssert.AreEqual(want.Select(Bits).ToArray(), actual[i].Select(Bits).ToArray(),
                    $"row {i}: expected [{string.Join(", ", want)}], got [{string.Join(", ", actual[i])}]");
                nonFinite += float.IsNaN(expected[i][0]) ? 1 : 0;
            }

            Assert.IsGreaterThan(0, nonFinite, "the data must hold rows with a non-finite feature");
        }
    }

    /// <summary>Raw outputs per row the way the batched view computed them before it worked in place.</summary>
    private static float[][] Expected(NeuralNetworkPredictionTransformer model, Row[] rows, bool sparse)
    {
        var architecture = model.Model.Architecture;
        using var init = new Generator(1);
        using var network = new MlpNetwork(architecture, init);
        network.SetWeights(model.Model.Weights);
        network.eval();
        int width = architecture.OutputSize;
        var result = new float[rows.Length][];
        for (int start = 0; start < rows.Length; start += BatchScoringDataView.BatchRows)
        {
            int count = Math.Min(BatchScoringDataView.BatchRows, rows.Length - start);
            var block = rows.Skip(start).Take(count).ToArray();
            float[] outputs;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var x = sparse
                    ? Csr(block).ToCooTensor(null, Width, CPU)
                    : tensor(block.SelectMany(r => r.Features).ToArray(), new long[] { count, Width });
                outputs = network.forward(x).data<float>().ToArray();
            }

            for (int r = 0; r < count; r++)
            {
                var raw = outputs.AsSpan(r * width, width).ToArray();
                if (block[r].Features.Any(v => !float.IsFinite(v))) Array.Fill(raw, float.NaN);
                result[start + r] = raw;
            }
        }

        return result;
    }

    /// <summary>The block's non-zero values as compressed rows (what the sparse scoring gathered before).</summary>
    private static SparseRows Csr(Row[] block)
    {
        var starts = new List<long> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        foreach (var row in block)
        {
            for (int j = 0; j < Width; j++)
            {
                if (row.Features[j] != 0)
                {
                    indices.Add(j);
                    values.Add(row.Features[j]);
                }
            }

            starts.Add(values.Count);
        }

        return new SparseRows(starts.ToArray(), indices.ToArray(), values.ToArray());
    }

    /// <summary>The score columns ML.NET's trainers add, from one row's raw outputs, widened to double (booleans and keys as numbers).</summary>
    private static double[] MapScores(PredictionTask task, float[] raw)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
                float probability = ScoreMath.Sigmoid(raw[0]);
                return [raw[0], probability, probability > 0.5f ? 1 : 0];
            case PredictionTask.Regression:
                return [raw[0]];
            default:
                var probabilities = new float[raw.Length];
                int best = ScoreMath.Softmax<float>(raw, probabilities);
                return [.. probabilities.Select(p => (double)p), best + 1];
        }
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static List<double[]> ReadScores(IDataView scored, PredictionTask task)
    {
        var schema = scored.Schema;
        string[] names = task switch
        {
            PredictionTask.BinaryClassification => ["Score", "Probability", "PredictedLabel"],
            PredictionTask.Regression => ["Score"],
            _ => ["Score", "PredictedLabel"],
        };
        using var cursor = scored.GetRowCursor(names.Select(n => schema[n]));
        var readers = names.Select(n => BatchScoringTests.Reader(cursor, schema[n])).ToArray();
        var result = new List<double[]>();
        while (cursor.MoveNext())
        {
            result.Add(readers.SelectMany(read => read()).ToArray());
        }

        return result;
    }

    /// <summary>Rows with 3 non-zero features of <see cref="Width"/> (about 7 % dense); every 97th scoring row has a NaN or ∞ feature.</summary>
    private static Row[] MakeRows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new Row[count];
        for (int i = 0; i < count; i++)
        {
            var features = new float[Width];
            for (int k = 0; k < 3; k++) features[random.Next(Width)] = (float)(random.NextDouble() * 4 - 2);
            double signal = features[0] + features[1] - features[2] + 0.5 * features[3] + 0.3 * (random.NextDouble() - 0.5);
            rows[i] = new Row
            {
                Features = features, Y = (float)signal, B = signal > 0, C = signal < -0.3 ? "low" : signal > 0.3 ? "high" : "mid",
            };
        }

        return rows;
    }

    private static (NeuralNetworkPredictionTransformer Model, IDataView Scoring, Row[] ScoringRows) Fit(MLContext ml, PredictionTask task, bool sparse, Row[] rows)
    {
        // Training rejects non-finite features: train on clean copies, score the rows with a NaN or ∞ in every 97th.
        var scoringRows = rows.Select((r, i) => i % 97 == 5
            ? r with { Features = r.Features.Select((v, j) => j == i % Width ? (i % 2 == 0 ? float.NaN : float.PositiveInfinity) : v).ToArray() }
            : r).ToArray();
        var train = Load(ml, rows, sparse);
        var scoring = Load(ml, scoringRows, sparse);
        T Options<T>(T options) where T : NeuralNetworkOptionsBase
        {
            options.HiddenLayerSizes = [16];
            options.Epochs = 2;
            options.Seed = 1;
            options.NumberOfThreads = 1;
            options.ValidationFraction = 0;
            options.EarlyStoppingPatience = null;
            options.SparseFeatures = sparse ? SparseFeatureMode.Sparse : SparseFeatureMode.Dense;
            return options;
        }

        switch (task)
        {
            case PredictionTask.BinaryClassification:
                return (ml.BinaryClassification.Trainers.NeuralNetwork(Options(new NeuralNetworkBinaryTrainer.Options { LabelColumnName = "B" })).Fit(train), scoring, scoringRows);
            case PredictionTask.Regression:
                return (ml.Regression.Trainers.NeuralNetwork(Options(new NeuralNetworkRegressionTrainer.Options { LabelColumnName = "Y" })).Fit(train), scoring, scoringRows);
            default:
                var keys = ml.Transforms.Conversion.MapValueToKey("Label", "C").Fit(train);
                var model = ml.MulticlassClassification.Trainers.NeuralNetwork(Options(new NeuralNetworkMulticlassTrainer.Options())).Fit(keys.Transform(train));
                return (model, keys.Transform(scoring), scoringRows);
        }
    }

    /// <summary>The rows as a data view whose feature column holds dense or sparse <c>VBuffer</c>s (sparse: only the non-zero values).</summary>
    private static IDataView Load(MLContext ml, Row[] rows, bool sparse)
    {
        if (!sparse) return ml.Data.LoadFromEnumerable(rows.Select(r => new DenseRow { Features = r.Features, Y = r.Y, B = r.B, C = r.C }));
        return ml.Data.LoadFromEnumerable(rows.Select(r =>
        {
            var slots = Enumerable.Range(0, Width).Where(j => r.Features[j] != 0).ToArray();
            return new SparseRow
            {
                Features = new VBuffer<float>(Width, slots.Length, slots.Select(j => r.Features[j]).ToArray(), slots), Y = r.Y, B = r.B, C = r.C,
            };
        }));
    }

    private sealed record Row
    {
        public float[] Features { get; init; } = [];
        public float Y { get; init; }
        public bool B { get; init; }
        public string C { get; init; } = "";
    }

    private sealed class DenseRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public float Y { get; set; }
        public bool B { get; set; }
        public string C { get; set; } = "";
    }

    private sealed class SparseRow
    {
        [VectorType(Width)] public VBuffer<float> Features { get; set; }
        public float Y { get; set; }
        public bool B { get; set; }
        public string C { get; set; } = "";
    }
}
