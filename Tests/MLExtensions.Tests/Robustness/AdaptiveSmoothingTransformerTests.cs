using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Robustness;

/// <summary>The adaptive-smoothing transformer in ML.NET: score columns, evaluators, PredictionEngine, PFI, SaveWithOnnx.</summary>
[TestClass]
public sealed class AdaptiveSmoothingTransformerTests
{
    public sealed class MulticlassPrediction
    {
        public float[] Score { get; set; } = [];
        public uint PredictedLabel { get; set; }
    }

    public sealed class BinaryPrediction
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    [TestMethod]
    public void ConstantAlpha0_ScoresLikeTheStandardTransformer()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var data = RobustnessFixture.MulticlassData(ml);
        using var composite = RobustnessFixture.Transformer(RobustnessFixture.Constant(standard.Model, robust.Model, 0), data);
        using var one = composite.WithConstantAlpha(1);
        AssertClose(Scores(standard.Transform(data)), Scores(composite.Transform(data)), 1e-6);
        AssertClose(Scores(robust.Transform(data)), Scores(one.Transform(data)), 1e-6);
        CollectionAssert.AreEqual(standard.Transform(data).GetColumn<uint>("PredictedLabel").ToArray(),
                                  composite.Transform(data).GetColumn<uint>("PredictedLabel").ToArray());
    }

    [TestMethod]
    public void Multiclass_EvaluatorPredictionEngineAndPfiWork()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var data = RobustnessFixture.MulticlassData(ml);
        using var composite = RobustnessFixture.Transformer(RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 1), data);
        var scored = composite.Transform(data);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsTrue(metrics.MacroAccuracy > 0.8, $"macro accuracy {metrics.MacroAccuracy}");
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
        Assert.IsTrue(scored.Schema["PredictedLabel"].Type is KeyDataViewType { Count: 3 });

        var rows = SyntheticData.Multiclass(20, 11);
        var engine = ml.Model.CreatePredictionEngine<SyntheticData.MulticlassRow, MulticlassPrediction>(composite);
        var batched = scored.GetColumn<float[]>("Score").Take(20).ToArray();
        for (int i = 0; i < rows.Count; i++)
            AssertClose(batched[i], engine.Predict(rows[i]).Score, 1e-5);

        var importance = ml.MulticlassClassification.PermutationFeatureImportance(composite, data, permutationCount: 1);
        Assert.AreEqual(SyntheticData.FeatureCount, importance.Length);
        // x0 and x2 decide the class; x1 and x3 are noise.
        double Drop(int i) => -importance[i].MacroAccuracy.Mean;
        Assert.IsTrue(Drop(0) > Drop(3) && Drop(2) > Drop(1), string.Join(", ", Enumerable.Range(0, 4).Select(Drop)));
    }

    [TestMethod]
    public void Binary_EvaluatorAndPredictionEngineWork()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Binary;
        var data = RobustnessFixture.BinaryData(ml);
        using var composite = RobustnessFixture.Transformer(RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 2));
        var scored = composite.Transform(data);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.85, $"AUC {metrics.AreaUnderRocCurve}");
        var rows = SyntheticData.Binary(20, 11);
        var engine = ml.Model.CreatePredictionEngine<SyntheticData.BinaryRow, BinaryPrediction>(composite, data.Schema);
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            var p = engine.Predict(rows[i]);
            Assert.AreEqual(scores[i], p.Score, 1e-5);
            Assert.AreEqual(probabilities[i], p.Probability, 1e-6);
            Assert.AreEqual(p.Probability > 0.5f, p.PredictedLabel);
        }
    }

    [TestMethod]
    public void Binary_ProbabilityIsTheMixtureOfTheBaseProbabilities()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Binary;
        var data = RobustnessFixture.BinaryData(ml);
        using var composite = RobustnessFixture.Transformer(RobustnessFixture.Constant(standard.Model, robust.Model, 0.3));
        var p = composite.Transform(data).GetColumn<float>("Probability").ToArray();
        var a = standard.Transform(data).GetColumn<float>("Probability").ToArray();
        var b = robust.Transform(data).GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < p.Length; i++) Assert.AreEqual(0.7 * a[i] + 0.3 * b[i], p[i], 1e-5);
    }

    [TestMethod]
    [DataRow(true, false)]
    [DataRow(true, true)]
    [DataRow(false, false)]
    public void SaveWithOnnx_ReloadedPredictionsEqualInMemoryOnes(bool multiclass, bool constantAlpha)
    {
        var ml = new MLContext(1);
        var (standard, robust) = multiclass ? RobustnessFixture.Multiclass : RobustnessFixture.Binary;
        var data = multiclass ? RobustnessFixture.MulticlassData(ml) : RobustnessFixture.BinaryData(ml);
        var model = constantAlpha
            ? RobustnessFixture.Constant(standard.Model, robust.Model, 0.4)
            : RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 3, gammaBias: 0.5, alphaScale: 0.8, alphaBias: 0.1);
        using var composite = RobustnessFixture.Transformer(model, multiclass ? data : null);
        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(composite, data.Schema, stream);
        stream.Position = 0;
        var ml2 = new MLContext(2);
        var loaded = MLExtensionsRuntime.LoadModel(ml2, stream, "test stream", out _);
        var original = composite.Transform(data);
        var reloaded = loaded.Transform(data);
        if (multiclass)
        {
            var a = Scores(original);
            var b = Scores(reloaded);
            for (int i = 0; i < a.Length; i++) AssertClose(a[i], b[i], 1e-5);
            CollectionAssert.AreEqual(original.GetColumn<uint>("PredictedLabel").ToArray(), reloaded.GetColumn<uint>("PredictedLabel").ToArray());
        }
        else
        {
            var a = original.GetColumn<float>("Score").ToArray();
            var b = reloaded.GetColumn<float>("Score").ToArray();
            for (int i = 0; i < a.Length; i++) Assert.AreEqual(a[i], b[i], 1e-5 * Math.Max(1, Math.Abs(a[i])));
            CollectionAssert.AreEqual(original.GetColumn<bool>("PredictedLabel").ToArray(), reloaded.GetColumn<bool>("PredictedLabel").ToArray());
        }
    }

    [TestMethod]
    public void Onnx_ExtremeLogits_StayFinite()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var data = RobustnessFixture.MulticlassData(ml);
        var model = RobustnessFixture.WithRandomMixer(Scaled(standard.Model, 1e4f), Scaled(robust.Model, -1e4f), 5);
        using var composite = RobustnessFixture.Transformer(model, data);
        using var stream = new MemoryStream();
        ml.Model.SaveWithOnnx(composite, data.Schema, stream);
        stream.Position = 0;
        var loaded = MLExtensionsRuntime.LoadModel(new MLContext(2), stream, "test stream", out _);
        var a = Scores(composite.Transform(data));
        var b = Scores(loaded.Transform(data));
        for (int i = 0; i < a.Length; i++)
        {
            Assert.IsTrue(b[i].All(float.IsFinite) && a[i].All(float.IsFinite), $"row {i}");
            AssertClose(a[i], b[i], 1e-5);
        }
    }

    [TestMethod]
    public void NonFiniteFeature_IsScoredAsMissing()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var rows = SyntheticData.Multiclass(3, 4);
        rows[1].Features[2] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(rows);
        using var composite = RobustnessFixture.Transformer(RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 1));
        var scores = Scores(composite.Transform(data));
        Assert.IsTrue(scores[1].All(float.IsNaN));
        Assert.IsTrue(scores[0].All(float.IsFinite) && scores[2].All(float.IsFinite));
        CollectionAssert.AreEqual(new uint[] { 1, 0, 1 }.Select(k => k == 0).ToArray(),
            composite.Transform(data).GetColumn<uint>("PredictedLabel").Select(k => k == 0).ToArray());
    }

    [TestMethod]
    public void GetAlphas_StayInsideTheAlphaRange()
    {
        var ml = new MLContext(1);
        var (standard, robust) = RobustnessFixture.Multiclass;
        var data = RobustnessFixture.MulticlassData(ml);
        using var composite = RobustnessFixture.Transformer(
            RobustnessFixture.WithRandomMixer(standard.Model, robust.Model, 1, gammaScale: 50, alphaScale: 0.5, alphaBias: 0.3), data);
        var alphas = composite.GetAlphas(data);
        Assert.AreEqual(200, alphas.Length);
        Assert.IsTrue(alphas.All(a => a >= 0.3f - 1e-6f && a <= 0.8f + 1e-6f), $"{alphas.Min()}..{alphas.Max()}");
        Assert.IsTrue(alphas.Max() - alphas.Min() > 0.1f, "alpha should vary between rows");
        using var constant = composite.WithConstantAlpha(0.25);
        Assert.IsTrue(constant.GetAlphas(data).All(a => Math.Abs(a - 0.25f) < 1e-6f));
    }

    [TestMethod]
    public void BaseModels_WithDifferentFeatureSizesClassSetsOrTasks_AreRejected()
    {
        var (standard, robust) = RobustnessFixture.Multiclass;
        var (binary, _) = RobustnessFixture.Binary;
        var wide = new NeuralNetworkModelParameters(robust.Model.Task, robust.Model.Architecture with { InputSize = 5 },
            robust.Model.Weights, [], 0, 0, "cpu", robust.Model.ClassNames);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => RobustnessFixture.Constant(standard.Model, wide, 0.5));
        StringAssert.Contains(ex.Message, "feature sizes: standard 4, robust 5");
        var renamed = new NeuralNetworkModelParameters(robust.Model.Task, robust.Model.Architecture, robust.Model.Weights, [], 0, 0, "cpu",
            ["high", "low", "other"]);
        ex = Assert.ThrowsExactly<ArgumentException>(() => RobustnessFixture.Constant(standard.Model, renamed, 0.5));
        StringAssert.Contains(ex.Message, "different class sets");
        StringAssert.Contains(ex.Message, "other");
        ex = Assert.ThrowsExactly<ArgumentException>(() => RobustnessFixture.Constant(standard.Model, binary.Model, 0.5));
        StringAssert.Contains(ex.Message, "different tasks");
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RobustnessFixture.Constant(standard.Model, robust.Model, 1.5));
        Assert.AreEqual("ConstantAlpha", range.ParamName);
    }

    private static float[][] Scores(IDataView scored) => scored.GetColumn<float[]>("Score").ToArray();

    private static void AssertClose(float[][] expected, float[][] actual, double tolerance)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], tolerance);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++) Assert.AreEqual(expected[k], actual[k], tolerance, $"slot {k}");
    }

    private static NeuralNetworkModelParameters Scaled(NeuralNetworkModelParameters model, float factor) =>
        new(model.Task, model.Architecture,
            model.Weights.Select(w => w.Name.StartsWith("output.", StringComparison.Ordinal)
                ? new NamedTensorData(w.Name, w.Shape, w.Values.Select(v => v * factor).ToArray()) : w).ToList(),
            model.History, model.BestEpoch, model.Seed, model.DeviceName, model.ClassNames);
}
