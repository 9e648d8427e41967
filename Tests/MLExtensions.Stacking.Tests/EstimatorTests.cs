using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class EstimatorTests
{
    public sealed class FeatureRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public sealed class BinaryRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    public sealed class PredictionRow
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public float Label { get; set; }
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private static readonly RegularizedMetaLearningCombiner SmallCombiner = new(new()
    {
        OuterFolds = 3,
        RidgeAlphas = [0.01, 0.1, 1, 10],
        LassoAlphas = [1e-4, 1e-3, 1e-2],
        L1Ratios = [0.5, 1.0],
    });

    private static List<FeatureRow> Regression(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var x = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            double y = Math.Sin(3 * x[0]) + 2 * x[1] * x[1] + x[2] + 0.1 * (random.NextDouble() - 0.5);
            return new FeatureRow { Features = x, Label = (float)y };
        }).ToList();
    }

    [TestMethod]
    public void StackingEnsemble_SdcaAndFastTree_EvaluatesAndPredictsLikeTransform()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Regression(400, 1));
        var test = ml.Data.LoadFromEnumerable(Regression(200, 2));
        var bases = new IEstimator<ITransformer>[]
        {
            ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 20),
            ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5),
        };

        var estimator = ml.Regression.Trainers.StackingEnsemble(bases, combiner: SmallCombiner, folds: 3);
        var model = estimator.Fit(train);
        var scored = model.Transform(test);
        var metrics = ml.Regression.Evaluate(scored);

        var baseRmse = bases.Select(b => ml.Regression.Evaluate(b.Fit(train).Transform(test)).RootMeanSquaredError).ToArray();
        Assert.IsLessThanOrEqualTo(baseRmse.Max(), metrics.RootMeanSquaredError);
        Assert.IsGreaterThan(0.5, metrics.RSquared);
        Assert.HasCount(2, model.BaseModels);
        Assert.HasCount(400, model.OutOfFoldLabel!);
        Assert.AreEqual(400, model.OutOfFoldPredictions!.Rows);

        var engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(model);
        var scores = scored.GetColumn<float>("Score").Take(5).ToArray();
        var rows = Regression(200, 2).Take(5).ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual(scores[i], engine.Predict(rows[i]).Score, 1e-6f);
        }
    }

    [TestMethod]
    public void StackingEnsemble_GetOutputSchema_AddsScore()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Regression(50, 3));
        var estimator = ml.Regression.Trainers.StackingEnsemble([ml.Regression.Trainers.Sdca()]);

        // SchemaShape.Create is internal to ML.NET; ML.NET itself calls GetOutputSchema when pipelines are composed.
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!;
        var shape = estimator.GetOutputSchema((SchemaShape)create.Invoke(null, [train.Schema])!);

        Assert.IsTrue(shape.Any(c => c.Name == "Score" && c.ItemType == NumberDataViewType.Single));
    }

    [TestMethod]
    public void StackPredictions_ExistingColumns_ScoreEqualsModelPrediction()
    {
        var ml = new MLContext(seed: 1);
        var (p, y) = Synthetic.Library(300, [0.3, 0.5, 0.4], seed: 31);
        var rows = Enumerable.Range(0, 300).Select(i => new PredictionRow
        {
            A = (float)p.Columns[0][i], B = (float)p.Columns[1][i], C = (float)p.Columns[2][i], Label = (float)y[i],
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        var transformer = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: SmallCombiner).Fit(data);
        var scores = transformer.Transform(data).GetColumn<float>("Score").ToArray();
        var metrics = ml.Regression.Evaluate(transformer.Transform(data));

        for (int i = 0; i < 10; i++)
        {
            Assert.AreEqual(transformer.Model.Predict([rows[i].A, rows[i].B, rows[i].C]), scores[i], 1e-5);
        }

        Assert.IsLessThan(p.Columns.Min(c => CombinerTests.Rmse(c, y)), metrics.RootMeanSquaredError);
    }

    [TestMethod]
    public void StackPredictions_MissingColumn_ThrowsNamingColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new PredictionRow() });

        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.StackPredictions(["A", "Missing"]).Fit(data));
        StringAssert.Contains(ex.Message, "'Missing'");
    }

    [TestMethod]
    public void StackPredictions_WrongLabelType_ThrowsSchemaMismatch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new BinaryRow { Features = [1, 2, 3] } });

        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.StackPredictions(["Features"]).Fit(data));
        StringAssert.Contains(ex.Message, "Schema mismatch for label column 'Label'");
    }

    [TestMethod]
    public void StackPredictions_Binary_ScoreColumnInsteadOfProbability_ThrowsNamingColumnValueAndRow()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 60).Select(i => new PersistenceTests.BinaryPredictions
        {
            A = (float)random.NextDouble(), B = (float)random.NextDouble(), C = (float)random.NextDouble(), Label = i % 2 == 0,
        }).ToList();
        rows[7].B = 2.5f;     // a margin, as FastTree's Score
        var data = ml.Data.LoadFromEnumerable(rows);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.StackPredictions(["A", "B", "C"]).Fit(data));
        StringAssert.Contains(ex.Message, "prediction column 'B' has the value 2.5 at row 7");
        StringAssert.Contains(ex.Message, "Probability columns, not their Score");
        rows[7].B = -0.25f;
        Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.StackPredictions(["A", "B", "C"], combiner: new SimpleAverageCombiner()).Fit(ml.Data.LoadFromEnumerable(rows)));

        // 0 and 1 themselves are probabilities.
        rows[7].B = 1;
        rows[8].A = 0;
        ml.BinaryClassification.Trainers.StackPredictions(["A", "B", "C"], combiner: new SimpleAverageCombiner()).Fit(ml.Data.LoadFromEnumerable(rows));
    }

    [TestMethod]
    public void StackPredictions_NoColumns_ThrowsNamingOption()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new PredictionColumnsStackingEstimator(new() { PredictionColumnNames = [] }));
        Assert.AreEqual("PredictionColumnNames", ex.ParamName);
    }

    [TestMethod]
    public void StackingEnsemble_NaNLabel_ThrowsNamingTheInputRowBeforeFitting()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(4);
        var rows = Enumerable.Range(0, 100).Select(i => new FeatureRow
        {
            Features = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()],
            Label = i == 50 ? float.NaN : i % 7,
        }).ToList();
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Regression.Trainers.StackingEnsemble([ml.Regression.Trainers.Sdca()]).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "label column 'Label' has a non-finite value (NaN) at row 50 of the training data");
    }

    [TestMethod]
    public void StackingEnsemble_NoRowsOrFewerRowsThanFolds_ThrowsBeforeFitting()
    {
        var ml = new MLContext(seed: 1);
        List<FeatureRow> Rows(int n) => Enumerable.Range(0, n).Select(i => new FeatureRow { Features = [i, 1, 2], Label = i }).ToList();
        var empty = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Regression.Trainers.StackingEnsemble([ml.Regression.Trainers.Sdca()]).Fit(ml.Data.LoadFromEnumerable(Rows(0))));
        StringAssert.StartsWith(empty.Message, "The training data has no rows.");
        var few = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Regression.Trainers.StackingEnsemble([ml.Regression.Trainers.Sdca()], folds: 5).Fit(ml.Data.LoadFromEnumerable(Rows(3))));
        Assert.AreEqual("Folds", few.ParamName);
        StringAssert.Contains(few.Message, "3 rows, fewer than Folds (5)");
    }

    [TestMethod]
    public void StackingEnsemble_OneFold_ThrowsNamingOption()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.StackingEnsemble([ml.Regression.Trainers.Sdca()], folds: 1));
        Assert.AreEqual("Folds", ex.ParamName);
    }

    [TestMethod]
    public void StackingEnsemble_BinaryClassifiers_EvaluatesWithBinaryMetrics()
    {
        var ml = new MLContext(seed: 1);
        List<BinaryRow> Make(int n, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, n).Select(_ =>
            {
                var x = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
                double logit = 4 * (x[0] - 0.5) + 3 * Math.Sin(6 * x[1]) + (random.NextDouble() - 0.5);
                return new BinaryRow { Features = x, Label = logit > 0 };
            }).ToList();
        }

        var train = ml.Data.LoadFromEnumerable(Make(400, 1));
        var test = ml.Data.LoadFromEnumerable(Make(300, 2));
        var combiner = new RegularizedLogisticMetaLearningCombiner(new()
        {
            OuterFolds = 3, RidgeAlphas = [1e-3, 1e-2, 1e-1], LassoAlphas = [1e-3, 1e-2], L1Ratios = [0.5],
        });
        var bases = new IEstimator<ITransformer>[]
        {
            ml.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 20),
            ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 5),
        };

        var model = ml.BinaryClassification.Trainers.StackingEnsemble(bases, combiner: combiner, folds: 3).Fit(train);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));

        Assert.AreEqual(StackingLink.Logistic, model.Model.Link);
        Assert.AreEqual(1.0, model.Model.Components.Sum(c => c.BlendWeight), 1e-12);
        Assert.IsGreaterThan(0.8, metrics.AreaUnderRocCurve);
        Assert.IsGreaterThan(0.7, metrics.Accuracy);
        Assert.IsLessThan(0.6, metrics.LogLoss);
    }

    [TestMethod]
    public void Save_StackingTransformer_ThrowsNotSupportedWithExplanation()
    {
        var ml = new MLContext(seed: 1);
        var (p, y) = Synthetic.Library(60, [0.3, 0.5, 0.4], seed: 32);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new PredictionRow
        {
            A = (float)p.Columns[0][i], B = (float)p.Columns[1][i], C = (float)p.Columns[2][i], Label = (float)y[i],
        }));
        var transformer = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: new SimpleAverageCombiner()).Fit(data);

        using var stream = new MemoryStream();
        var ex = Assert.Throws<Exception>(() => ml.Model.Save(transformer, data.Schema, stream));
        var notSupported = ex as NotSupportedException ?? ex.InnerException as NotSupportedException;
        Assert.IsNotNull(notSupported, ex.ToString());
        StringAssert.Contains(notSupported.Message, "StackingModel");
    }
}
