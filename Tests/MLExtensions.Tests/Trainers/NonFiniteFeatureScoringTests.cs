using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// A row with a NaN or ±∞ feature is scored as missing on every scoring path: Score NaN (every slot for multiclass), Probability NaN,
/// PredictedLabel false (binary) or the missing key 0 (multiclass); rows with finite features are unaffected.
/// </summary>
[TestClass]
public sealed class NonFiniteFeatureScoringTests
{
    private const int FeatureCount = 4;
    private const int TrainRows = 120;

    // The batched forward pass of 37 and of 40 rows may round float32 sums differently.
    private const double Tolerance = 1e-6;

    public sealed class Row
    {
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
        public int Id { get; set; }
        public bool BoolLabel { get; set; }
        public float FloatLabel { get; set; }
        public string ClassLabel { get; set; } = "";
        public float ClassNumber { get; set; }
    }

    public sealed class BinaryOut { public float Score { get; set; } public float Probability { get; set; } public bool PredictedLabel { get; set; } }

    public sealed class MulticlassOut { public float[] Score { get; set; } = []; public uint PredictedLabel { get; set; } }

    public sealed class RegressionOut { public float Score { get; set; } }

    /// <summary>What one row was scored as, widened to a common shape.</summary>
    private sealed record Scored(float[] Score, float Probability, bool BinaryLabel, uint Key);

    private static readonly float[] BadValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    private static List<Row> Rows(int count, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var x = Enumerable.Range(0, FeatureCount).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
            return new Row
            {
                Features = x, Id = i, BoolLabel = x[0] + x[1] > 0, FloatLabel = 3 + 2 * x[0] - x[2],
                ClassLabel = x[0] > 0.3 ? "high" : x[2] > 0 ? "mid" : "low",
                ClassNumber = x[0] > 0.3 ? 2.5f : x[2] > 0 ? 1.5f : 0.5f,
            };
        }).ToList();
    }

    /// <summary>Finite rows with, at ids 3, 10 and 20, one feature set to NaN, +∞ and −∞ (ids 3k+1.. keep their other features).</summary>
    private static (List<Row> Rows, HashSet<int> Bad) ScoringRows()
    {
        var rows = Rows(40, 7);
        int[] bad = [3, 10, 20];
        for (int i = 0; i < bad.Length; i++) rows[bad[i]].Features[i % FeatureCount] = BadValues[i];
        return (rows, bad.ToHashSet());
    }

    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    private static IEstimator<ITransformer> Label(MLContext ml, PredictionTask task, bool numericClasses = false) => task == PredictionTask.MulticlassClassification
        ? ml.Transforms.Conversion.MapValueToKey("Label", numericClasses ? nameof(Row.ClassNumber) : nameof(Row.ClassLabel))
        : ml.Transforms.CopyColumns("Label", task == PredictionTask.BinaryClassification ? nameof(Row.BoolLabel) : nameof(Row.FloatLabel));

    /// <summary>A small network with tanh units: an infinite feature saturates them, so only an explicit check gives NaN.</summary>
    private static IEstimator<ITransformer> Network(MLContext ml, PredictionTask task)
    {
        T Small<T>(T o) where T : NeuralNetworkOptionsBase
        {
            o.HiddenLayerSizes = [6]; o.Activation = ActivationKind.Tanh; o.Epochs = 3; o.Seed = 1; o.NumberOfThreads = 1;
            o.ValidationFraction = 0; o.EarlyStoppingPatience = null;
            return o;
        }
        return task switch
        {
            PredictionTask.BinaryClassification => ml.BinaryClassification.Trainers.NeuralNetwork(Small(new NeuralNetworkBinaryTrainer.Options())),
            PredictionTask.Regression => ml.Regression.Trainers.NeuralNetwork(Small(new NeuralNetworkRegressionTrainer.Options())),
            _ => ml.MulticlassClassification.Trainers.NeuralNetwork(Small(new NeuralNetworkMulticlassTrainer.Options())),
        };
    }

    private static IEstimator<ITransformer> Gbnn(MLContext ml, PredictionTask task)
    {
        T Small<T>(T o) where T : GradientBoostedNeuralNetworkOptionsBase
        {
            o.TotalHiddenUnits = 4; o.UnitsPerStep = 2; o.MaxIterations = 20; o.Seed = 1;
            return o;
        }
        return task switch
        {
            PredictionTask.BinaryClassification => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkBinaryTrainer.Options())),
            PredictionTask.Regression => ml.Regression.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkRegressionTrainer.Options())),
            _ => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork(Small(new GradientBoostedNeuralNetworkMulticlassTrainer.Options())),
        };
    }

    private static ITransformer Fit(MLContext ml, PredictionTask task, bool gbnn, bool numericClasses = false) =>
        Label(ml, task, numericClasses).Append(gbnn ? Gbnn(ml, task) : Network(ml, task)).Fit(ml.Data.LoadFromEnumerable(Rows(TrainRows, 1)));

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void NeuralNetwork_NonFiniteFeature_ScoredAsMissingOnEveryPath(PredictionTask task) => CheckEveryPath(task, gbnn: false);

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Gbnn_NonFiniteFeature_ScoredAsMissingOnEveryPath(PredictionTask task) => CheckEveryPath(task, gbnn: true);

    /// <summary>The ONNX-backed multiclass path converts the class name back to the key-value type (here Single) before MapValueToKey.</summary>
    [TestMethod]
    public void NeuralNetwork_MulticlassWithNumericKeyValues_NonFiniteFeatureGetsMissingKeyOnEveryPath() =>
        CheckEveryPath(PredictionTask.MulticlassClassification, gbnn: false, numericClasses: true);

    private static void CheckEveryPath(PredictionTask task, bool gbnn, bool numericClasses = false)
    {
        var ml = new MLContext(1);
        var model = Fit(ml, task, gbnn, numericClasses);
        var (rows, bad) = ScoringRows();
        var data = ml.Data.LoadFromEnumerable(rows);

        CheckPolicy(task, bad, ReadCursor(model.Transform(data), task, rand: null), "Transform, sequential (batched) cursor");
        CheckPolicy(task, bad, ReadCursor(model.Transform(data), task, rand: new Random(2)), "Transform, shuffled (row-by-row) cursor");
        CheckPolicy(task, bad, ReadEngine(ml, model, rows, task), "PredictionEngine");

        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(model, data.Schema, stream);
        stream.Position = 0;
        var serving = new MLContext(2);
        var loaded = MLExtensionsRuntime.LoadModel(serving, stream, "test stream", out _);
        var servingData = serving.Data.LoadFromEnumerable(rows);
        CheckPolicy(task, bad, ReadCursor(loaded.Transform(servingData), task, rand: null), "ONNX-backed Transform");
        CheckPolicy(task, bad, ReadEngine(serving, loaded, rows, task), "ONNX-backed PredictionEngine");

        // Finite rows: the ONNX-backed and the in-process scores agree as before.
        var original = ReadCursor(model.Transform(data), task, rand: null);
        var reloaded = ReadCursor(loaded.Transform(servingData), task, rand: null);
        foreach (var (id, value) in original.Where(p => !bad.Contains(p.Key)))
        {
            for (int k = 0; k < value.Score.Length; k++) Assert.AreEqual(value.Score[k], reloaded[id].Score[k], 1e-4, $"row {id}");
            Assert.AreEqual(value.Key, reloaded[id].Key, $"row {id}");
        }
    }

    private static void CheckPolicy(PredictionTask task, HashSet<int> bad, IReadOnlyDictionary<int, Scored> scored, string path)
    {
        Assert.HasCount(40, scored, path);
        foreach (var (id, s) in scored)
        {
            string where = $"{path}, {task}, row {id}{(bad.Contains(id) ? " (non-finite feature)" : "")}";
            if (bad.Contains(id))
            {
                Assert.IsTrue(s.Score.All(float.IsNaN), $"{where}: Score [{string.Join(", ", s.Score)}] should be NaN");
                if (task == PredictionTask.BinaryClassification)
                {
                    Assert.IsTrue(float.IsNaN(s.Probability), $"{where}: Probability {s.Probability} should be NaN");
                    Assert.IsFalse(s.BinaryLabel, $"{where}: PredictedLabel should be false");
                }
                if (task == PredictionTask.MulticlassClassification)
                    Assert.AreEqual(0u, s.Key, $"{where}: PredictedLabel should be the missing key 0");
            }
            else
            {
                Assert.IsTrue(s.Score.All(float.IsFinite), $"{where}: Score [{string.Join(", ", s.Score)}] should be finite");
                if (task == PredictionTask.MulticlassClassification)
                    Assert.IsTrue(s.Key is >= 1 and <= 3, $"{where}: key {s.Key}");
            }
        }
    }

    private static Dictionary<int, Scored> ReadCursor(IDataView scored, PredictionTask task, Random? rand)
    {
        var schema = scored.Schema;
        var columns = new List<DataViewSchema.Column> { schema["Id"], schema["Score"] };
        if (task != PredictionTask.Regression) columns.Add(schema["PredictedLabel"]);
        if (task == PredictionTask.BinaryClassification) columns.Add(schema["Probability"]);
        var result = new Dictionary<int, Scored>();
        using var cursor = scored.GetRowCursor(columns, rand);
        var id = cursor.GetGetter<int>(schema["Id"]);
        int idValue = 0;
        while (cursor.MoveNext())
        {
            id(ref idValue);
            switch (task)
            {
                case PredictionTask.BinaryClassification:
                {
                    float score = 0, probability = 0;
                    bool label = false;
                    cursor.GetGetter<float>(schema["Score"])(ref score);
                    cursor.GetGetter<float>(schema["Probability"])(ref probability);
                    cursor.GetGetter<bool>(schema["PredictedLabel"])(ref label);
                    result.Add(idValue, new Scored([score], probability, label, 0));
                    break;
                }
                case PredictionTask.Regression:
                {
                    float score = 0;
                    cursor.GetGetter<float>(schema["Score"])(ref score);
                    result.Add(idValue, new Scored([score], 0, false, 0));
                    break;
                }
                default:
                {
                    VBuffer<float> score = default;
                    uint key = 0;
                    cursor.GetGetter<VBuffer<float>>(schema["Score"])(ref score);
                    cursor.GetGetter<uint>(schema["PredictedLabel"])(ref key);
                    result.Add(idValue, new Scored(score.DenseValues().ToArray(), 0, false, key));
                    break;
                }
            }
        }
        return result;
    }

    private static Dictionary<int, Scored> ReadEngine(MLContext ml, ITransformer model, List<Row> rows, PredictionTask task)
    {
        switch (task)
        {
            case PredictionTask.BinaryClassification:
            {
                var engine = ml.Model.CreatePredictionEngine<Row, BinaryOut>(model);
                return rows.ToDictionary(r => r.Id, r => engine.Predict(r) is var p ? new Scored([p.Score], p.Probability, p.PredictedLabel, 0) : null!);
            }
            case PredictionTask.Regression:
            {
                var engine = ml.Model.CreatePredictionEngine<Row, RegressionOut>(model);
                return rows.ToDictionary(r => r.Id, r => new Scored([engine.Predict(r).Score], 0, false, 0));
            }
            default:
            {
                var engine = ml.Model.CreatePredictionEngine<Row, MulticlassOut>(model);
                return rows.ToDictionary(r => r.Id, r => engine.Predict(r) is var p ? new Scored(p.Score.ToArray(), 0, false, p.PredictedLabel) : null!);
            }
        }
    }

    [TestMethod]
    public void AllFinite_SumOverflowsButEveryValueFinite_IsTrue_AndOneInfinityAmongThemIsFalse()
    {
        float[] huge = [3e38f, 3e38f, 3e38f, -1f];   // the sum overflows to +∞: the element-wise check must decide
        Assert.IsTrue(ScoreMath.AllFinite(huge));
        huge[3] = float.NegativeInfinity;
        Assert.IsFalse(ScoreMath.AllFinite(huge));
        var outputs = new float[2 * 3];
        ScoreMath.ApplyNonFinitePolicy([1f, 2f, float.NaN, 4f], 2, outputs, 3);   // two rows of two features, three outputs each
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f }, outputs[..3]);
        Assert.IsTrue(outputs[3..].All(float.IsNaN));
    }

    /// <summary>ML.NET's evaluators skip rows whose score is NaN: the metrics equal those of the finite rows alone.</summary>
    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Evaluators_RowsWithNonFiniteFeatures_AreSkipped(PredictionTask task)
    {
        var ml = new MLContext(1);
        var model = Fit(ml, task, gbnn: false);
        var (rows, bad) = ScoringRows();
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var finiteOnly = model.Transform(ml.Data.LoadFromEnumerable(rows.Where(r => !bad.Contains(r.Id))));
        switch (task)
        {
            case PredictionTask.BinaryClassification:
            {
                var all = ml.BinaryClassification.Evaluate(scored);
                var finite = ml.BinaryClassification.Evaluate(finiteOnly);
                Console.WriteLine($"binary with/without the 3 rows: AUC {all.AreaUnderRocCurve}/{finite.AreaUnderRocCurve}, accuracy {all.Accuracy}/{finite.Accuracy}, log-loss {all.LogLoss}/{finite.LogLoss}");
                Assert.AreEqual(finite.AreaUnderRocCurve, all.AreaUnderRocCurve, Tolerance, "AUC");
                Assert.AreEqual(finite.Accuracy, all.Accuracy, Tolerance, "accuracy");
                Assert.AreEqual(finite.LogLoss, all.LogLoss, Tolerance, "log-loss");
                Assert.AreEqual(finite.F1Score, all.F1Score, Tolerance, "F1");
                break;
            }
            case PredictionTask.Regression:
            {
                var all = ml.Regression.Evaluate(scored);
                var finite = ml.Regression.Evaluate(finiteOnly);
                Console.WriteLine($"regression with/without the 3 rows: RMSE {all.RootMeanSquaredError}/{finite.RootMeanSquaredError}");
                Assert.AreEqual(finite.RootMeanSquaredError, all.RootMeanSquaredError, Tolerance, "RMSE");
                Assert.AreEqual(finite.MeanAbsoluteError, all.MeanAbsoluteError, Tolerance, "MAE");
                Assert.AreEqual(finite.RSquared, all.RSquared, Tolerance, "R^2");
                break;
            }
            default:
            {
                var all = ml.MulticlassClassification.Evaluate(scored);
                var finite = ml.MulticlassClassification.Evaluate(finiteOnly);
                Console.WriteLine($"multiclass with/without the 3 rows: micro accuracy {all.MicroAccuracy}/{finite.MicroAccuracy}, log-loss {all.LogLoss}/{finite.LogLoss}");
                Assert.AreEqual(finite.MicroAccuracy, all.MicroAccuracy, Tolerance, "micro accuracy");
                Assert.AreEqual(finite.MacroAccuracy, all.MacroAccuracy, Tolerance, "macro accuracy");
                Assert.AreEqual(finite.LogLoss, all.LogLoss, Tolerance, "log-loss");
                break;
            }
        }
    }
}
