using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Stacking.Tests;

/// <summary>
/// A row with a NaN or ±∞ base prediction is scored as missing, in process and after saving: Score NaN (and Probability NaN,
/// PredictedLabel false for binary classification), whichever combiner and whether or not that input was selected.
/// </summary>
[TestClass]
public sealed class NonFiniteScoringTests
{
    private static readonly float[] BadValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    private static readonly int[] BadRows = [2, 7, 11];

    public static IEnumerable<object[]> RegressionCombiners =>
    [
        ["regularized meta-learning", new RegularizedMetaLearningCombiner(new() { OuterFolds = 3, RidgeAlphas = [0.1, 1], LassoAlphas = [1e-3], L1Ratios = [0.5] })],
        ["ridge stacking", new RidgeStackingCombiner()],
        ["greedy selection", new GreedyEnsembleSelectionCombiner()],
        ["simple average", new SimpleAverageCombiner()],
    ];

    [TestMethod]
    [DynamicData(nameof(RegressionCombiners))]
    public void Regression_NonFiniteBasePrediction_ScoreIsNaNInProcessAndReloaded(string name, StackingCombiner combiner)
    {
        var ml = new MLContext(seed: 1);
        var (p, y) = Synthetic.Library(200, [0.3, 0.5, 0.4, 0.45], seed: 5);
        var rows = Enumerable.Range(0, 200).Select(i => new PersistenceTests.FourPredictions
        {
            A = (float)p.Columns[0][i], B = (float)p.Columns[1][i], C = (float)p.Columns[2][i], D = (float)p.Columns[3][i], Label = (float)y[i],
        }).ToList();
        var transformer = ml.Regression.Trainers.StackPredictions(["A", "B", "C", "D"], combiner: combiner).Fit(ml.Data.LoadFromEnumerable(rows));
        var scoring = rows.Take(20).Select(r => new PersistenceTests.FourPredictions { A = r.A, B = r.B, C = r.C, D = r.D, Label = r.Label }).ToList();
        for (int i = 0; i < BadRows.Length; i++)
        {
            var r = scoring[BadRows[i]];
            switch (i) { case 0: r.A = BadValues[i]; break; case 1: r.C = BadValues[i]; break; default: r.D = BadValues[i]; break; }
        }
        var data = ml.Data.LoadFromEnumerable(scoring);

        Check(transformer.Transform(data).GetColumn<float>("Score").ToArray(), $"{name}, Transform");
        var engine = ml.Model.CreatePredictionEngine<PersistenceTests.FourPredictions, RegressionScore>(transformer);
        Check(scoring.Select(r => engine.Predict(r).Score).ToArray(), $"{name}, PredictionEngine");
        string path = Path.Combine(Path.GetTempPath(), $"stacking-nonfinite-{Guid.NewGuid():N}.zip");
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            var loaded = StackingPersistence.Load(new MLContext(seed: 2), path, out _);
            Check(loaded.Transform(data).GetColumn<float>("Score").ToArray(), $"{name}, reloaded (ONNX meta part)");
        }
        finally
        {
            File.Delete(path);
        }

        static void Check(float[] scores, string path)
        {
            for (int i = 0; i < scores.Length; i++)
            {
                if (BadRows.Contains(i)) Assert.IsTrue(float.IsNaN(scores[i]), $"{path}: row {i} has a non-finite base prediction; Score {scores[i]}");
                else Assert.IsTrue(float.IsFinite(scores[i]), $"{path}: row {i}; Score {scores[i]}");
            }
        }
    }

    public static IEnumerable<object[]> BinaryCombiners =>
    [
        ["regularized logistic meta-learning", new RegularizedLogisticMetaLearningCombiner(new() { OuterFolds = 3, RidgeAlphas = [1e-3, 1e-2], LassoAlphas = [1e-3], L1Ratios = [0.5] })],
        ["simple average", new SimpleAverageCombiner()],
    ];

    [TestMethod]
    [DynamicData(nameof(BinaryCombiners))]
    public void Binary_NonFiniteBaseProbability_ScoreAndProbabilityNaNLabelFalse(string name, StackingCombiner combiner)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(4);
        var rows = Enumerable.Range(0, 200).Select(_ =>
        {
            double z = 2 * (random.NextDouble() - 0.5);
            double Prob(double noise) => 1 / (1 + Math.Exp(-(3 * z + noise * (random.NextDouble() - 0.5))));
            return new PersistenceTests.BinaryPredictions { A = (float)Prob(1), B = (float)Prob(2), C = (float)Prob(3), Label = z > 0 };
        }).ToList();
        var transformer = ml.BinaryClassification.Trainers.StackPredictions(["A", "B", "C"], combiner: combiner).Fit(ml.Data.LoadFromEnumerable(rows));
        // Confident positives, so that a rule "NaN or ∞ ⇒ whatever the arithmetic gives" would show as a true label.
        var scoring = rows.OrderByDescending(r => Math.Min(r.A, Math.Min(r.B, r.C))).Take(15).Select(r => new PersistenceTests.BinaryPredictions { A = r.A, B = r.B, C = r.C, Label = r.Label }).ToList();
        scoring[BadRows[0]].A = float.NaN;
        scoring[BadRows[1]].B = float.PositiveInfinity;
        scoring[BadRows[2]].C = float.NegativeInfinity;
        var data = ml.Data.LoadFromEnumerable(scoring);

        Check(transformer.Transform(data), $"{name}, Transform");
        string path = Path.Combine(Path.GetTempPath(), $"stacking-nonfinite-{Guid.NewGuid():N}.zip");
        try
        {
            StackingPersistence.Save(ml, transformer, data, path);
            Check(StackingPersistence.Load(new MLContext(seed: 2), path, out _).Transform(data), $"{name}, reloaded (ONNX meta part)");
        }
        finally
        {
            File.Delete(path);
        }

        static void Check(IDataView scored, string path)
        {
            var score = scored.GetColumn<float>("Score").ToArray();
            var probability = scored.GetColumn<float>("Probability").ToArray();
            var label = scored.GetColumn<bool>("PredictedLabel").ToArray();
            for (int i = 0; i < score.Length; i++)
            {
                if (BadRows.Contains(i))
                {
                    Assert.IsTrue(float.IsNaN(score[i]) && float.IsNaN(probability[i]), $"{path}: row {i}: Score {score[i]}, Probability {probability[i]}");
                    Assert.IsFalse(label[i], $"{path}: row {i}: PredictedLabel");
                }
                else
                {
                    Assert.IsTrue(probability[i] > 0.5f && label[i], $"{path}: row {i}: Probability {probability[i]}");
                }
            }
        }
    }

    public sealed class RegressionScore
    {
        public float Score { get; set; }
    }
}
