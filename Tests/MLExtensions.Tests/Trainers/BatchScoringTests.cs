using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>Transform scores sequential cursors in blocks; the values must equal the row-by-row scoring for every task.</summary>
[TestClass]
public sealed class BatchScoringTests
{
    // More than two blocks, the last one partial.
    private const int Rows = 2 * BatchScoringDataView.BatchRows + 123;

    private static T Fast<T>(T options) where T : NeuralNetworkOptionsBase
    {
        options.HiddenLayerSizes = [8];
        options.Epochs = 3;
        options.Seed = 1;
        options.NumberOfThreads = 1;
        options.ValidationFraction = 0;
        options.EarlyStoppingPatience = null;
        return options;
    }

    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Transform_SequentialCursor_EqualsRowByRowScoringAndKeepsInputColumnsAligned(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, task);
        using (model)
        {
            var scored = model.Transform(data);
            var scoreColumns = ScoreColumns(task);
            var batched = Read(scored, scoreColumns, rand: null);
            var rowByRow = Read(scored, scoreColumns, rand: new Random(3)); // shuffled cursors score row by row

            Assert.HasCount(Rows, batched);
            Assert.HasCount(Rows, rowByRow);
            for (int i = 0; i < Rows; i++)
            {
                var (id, position, label, values) = batched[i];
                Assert.AreEqual(i, position, "position");
                var reference = rowByRow.Single(r => r.Id.Equals(id));
                Assert.AreEqual(reference.Label, label, $"label of row {i}: input columns must stay aligned with the scores");
                for (int k = 0; k < values.Length; k++)
                {
                    Assert.AreEqual(reference.Values[k], values[k], 1e-5 * Math.Max(1, Math.Abs(reference.Values[k])), $"row {i} value {k} ({string.Join(", ", scoreColumns)})");
                }
            }
        }
    }

    /// <summary>
    /// Input columns named like the score columns (a feature called "Score", say), followed by another input column: ML.NET puts each
    /// new score column right after the input column it hides, so the later input columns move by one. Batched cursors must still
    /// serve each input column's own values, and ML.NET's evaluators must read the label (they failed with "Invalid TValue").
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Transform_InputHasColumnsNamedLikeScores_PassesLaterInputColumnsThroughAndEvaluates(PredictionTask task)
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, task);
        using (model)
        {
            var colliding = ml.Transforms.CopyColumns("Score", "Label")
                .Append(ml.Transforms.CopyColumns("Probability", "Label"))
                .Append(ml.Transforms.CopyColumns("PredictedLabel", "Label"))
                .Append(ml.Transforms.CopyColumns("Tail", "Label"))
                .Fit(data).Transform(data);
            var scored = model.Transform(colliding);
            Assert.AreNotEqual(colliding.Schema["Tail"].Index, scored.Schema["Tail"].Index, "the test needs the input columns to move");
            var scoreColumns = ScoreColumns(task);
            var batched = Read(scored, scoreColumns, rand: null, labelColumn: "Tail");
            var rowByRow = Read(scored, scoreColumns, rand: new Random(3), labelColumn: "Tail");
            var plain = Read(model.Transform(data), scoreColumns, rand: null);
            for (int i = 0; i < Rows; i++)
            {
                var reference = rowByRow.Single(r => r.Id.Equals(batched[i].Id));
                Assert.AreEqual(reference.Label, batched[i].Label, $"row {i}: the input column after the hidden ones");
                Assert.AreEqual(plain[i].Label, batched[i].Label, $"row {i}: Tail is a copy of Label");
                CollectionAssert.AreEqual(plain[i].Values, batched[i].Values, $"row {i}: scores");
            }

            switch (task)
            {
                case PredictionTask.BinaryClassification:
                    Assert.AreEqual(ml.BinaryClassification.Evaluate(model.Transform(data)).AreaUnderRocCurve,
                                    ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve, 1e-12);
                    break;
                case PredictionTask.Regression:
                    Assert.AreEqual(ml.Regression.Evaluate(model.Transform(data)).RootMeanSquaredError,
                                    ml.Regression.Evaluate(scored).RootMeanSquaredError, 1e-12);
                    break;
                default:
                    Assert.AreEqual(ml.MulticlassClassification.Evaluate(model.Transform(data)).LogLoss,
                                    ml.MulticlassClassification.Evaluate(scored).LogLoss, 1e-12);
                    break;
            }
        }
    }

    [TestMethod]
    public void Transform_SparseFeatureVectors_EqualsRowByRowScoring()
    {
        var ml = new MLContext(1);
        var random = new Random(5);
        string[] colors = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"];
        var rows = Enumerable.Range(0, Rows).Select(_ => new ColorRow { Color = colors[random.Next(colors.Length)], Label = (float)random.NextDouble() }).ToList();
        // One-hot encoding yields sparse vectors: both scoring paths must densify them the same way.
        var featurized = ml.Transforms.Categorical.OneHotEncoding("Features", nameof(ColorRow.Color)).Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        using var model = ml.Regression.Trainers.NeuralNetwork(Fast(new NeuralNetworkRegressionTrainer.Options())).Fit(featurized);
        var scored = model.Transform(featurized);

        var batched = Read(scored, ["Score"], rand: null);
        var rowByRow = Read(scored, ["Score"], rand: new Random(3));

        var byId = rowByRow.ToDictionary(r => r.Id, r => r.Values[0]);
        foreach (var (id, _, _, values) in batched)
        {
            Assert.AreEqual(byId[id], values[0], 1e-5 * Math.Max(1, Math.Abs(byId[id])));
        }

        Assert.HasCount(colors.Length, batched.Select(r => r.Values[0]).Distinct(), "one score per color");
    }

        [TestMethod]
    public void Transform_ScoreOnlyCursorAndInputOnlyCursor_Work()
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, PredictionTask.BinaryClassification);
        using (model)
        {
            var scored = model.Transform(data);
            using (var cursor = scored.GetRowCursor([scored.Schema["Probability"]]))
            {
                var probability = cursor.GetGetter<float>(scored.Schema["Probability"]);
                int count = 0;
                float value = 0;
                while (cursor.MoveNext())
                {
                    probability(ref value);
                    Assert.IsTrue(value is >= 0 and <= 1, $"probability {value}");
                    count++;
                }

                Assert.AreEqual(Rows, count);
                Assert.IsFalse(cursor.IsColumnActive(scored.Schema["Score"]));
                Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(scored.Schema["Score"]));
            }

            using (var cursor = scored.GetRowCursor([scored.Schema["Label"]]))
            {
                int count = 0;
                while (cursor.MoveNext())
                {
                    count++;
                }

                Assert.AreEqual(Rows, count);
            }
        }
    }

    [TestMethod]
    public void Transform_GetterOfWrongType_ThrowsNamingTheColumn()
    {
        var ml = new MLContext(1);
        var (model, data) = Fit(ml, PredictionTask.Regression);
        using (model)
        {
            var scored = model.Transform(data);
            using var cursor = scored.GetRowCursor(scored.Schema);
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<double>(scored.Schema["Score"]));
            StringAssert.Contains(error.Message, "Score");
        }
    }

    private static (NeuralNetworkPredictionTransformer Model, IDataView Data) Fit(MLContext ml, PredictionTask task)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(Rows, 11));
                return (ml.BinaryClassification.Trainers.NeuralNetwork(Fast(new NeuralNetworkBinaryTrainer.Options())).Fit(data), data);
            }
            case PredictionTask.Regression:
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(Rows, 11));
                return (ml.Regression.Trainers.NeuralNetwork(Fast(new NeuralNetworkRegressionTrainer.Options())).Fit(data), data);
            }
            default:
            {
                var data = SyntheticData.MulticlassView(ml, Rows, 11);
                return (ml.MulticlassClassification.Trainers.NeuralNetwork(Fast(new NeuralNetworkMulticlassTrainer.Options())).Fit(data), data);
            }
        }
    }

    private static string[] ScoreColumns(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => ["Score", "Probability", "PredictedLabel"],
        PredictionTask.Regression => ["Score"],
        _ => ["Score", "PredictedLabel"],
    };

    /// <summary>Each row's id, position, label (as text) and score values (all widened to double) read through one cursor.</summary>
    private static List<(DataViewRowId Id, long Position, string Label, double[] Values)> Read(IDataView view, string[] columns, Random? rand,
                                                                                               string labelColumn = "Label")
    {
        var schema = view.Schema;
        var label = schema[labelColumn];
        using var cursor = view.GetRowCursor(columns.Select(c => schema[c]).Append(label), rand);
        var id = cursor.GetIdGetter();
        var readers = columns.Select(c => Reader(cursor, schema[c])).ToArray();
        var labelReader = Reader(cursor, label);
        var rows = new List<(DataViewRowId, long, string, double[])>();
        while (cursor.MoveNext())
        {
            DataViewRowId rowId = default;
            id(ref rowId);
            rows.Add((rowId, cursor.Position, string.Join(",", labelReader()), readers.SelectMany(r => r()).ToArray()));
        }

        return rows;
    }

    /// <summary>Reads one column of the cursor's current row as doubles (vectors densified, keys and booleans as numbers).</summary>
    internal static Func<double[]> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType:
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                return () =>
                {
                    getter(ref value);
                    return value.DenseValues().Select(v => (double)v).ToArray();
                };
            }
            case KeyDataViewType:
            {
                var getter = cursor.GetGetter<uint>(column);
                uint value = 0;
                return () =>
                {
                    getter(ref value);
                    return [value];
                };
            }
            case BooleanDataViewType:
            {
                var getter = cursor.GetGetter<bool>(column);
                bool value = false;
                return () =>
                {
                    getter(ref value);
                    return [value ? 1 : 0];
                };
            }
            default:
            {
                var getter = cursor.GetGetter<float>(column);
                float value = 0;
                return () =>
                {
                    getter(ref value);
                    return [value];
                };
            }
        }
    }

    /// <summary>A categorical feature (one-hot encoded into a sparse vector) and a regression target.</summary>
    private sealed class ColorRow
    {
        public string Color { get; set; } = "";

        public float Label { get; set; }
    }
}
