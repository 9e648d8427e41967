using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Stacking.Tests;

/// <summary>User-supplied folds: the combiners' cross-validations and the estimators' fold columns.</summary>
[TestClass]
public sealed class FoldAssignmentTests
{
    public sealed class Row
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public float Label { get; set; }

        public int Fold { get; set; }

        /// <summary>A key with 4 values; LoadFromEnumerable reads the property as the 0-based index, 4 or more as the missing key.</summary>
        [KeyType(4)]
        public uint FoldKey { get; set; }

        public float FoldSingle { get; set; }

        public double FoldDouble { get; set; }

        public string FoldText { get; set; } = "";

        [VectorType(2)]
        public float[] FoldVector { get; set; } = [0, 0];
    }

    private static List<Row> Rows(PredictionMatrix p, double[] y, int[] folds) => Enumerable.Range(0, y.Length).Select(i => new Row
    {
        A = (float)p.Columns[0][i],
        B = (float)p.Columns[1][i],
        C = (float)p.Columns[2][i],
        Label = (float)y[i],
        Fold = 10 * folds[i] + 3,
        FoldKey = (uint)folds[i],
        FoldSingle = folds[i],
        FoldDouble = folds[i] + 1,
        FoldText = folds[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
    }).ToList();

    /// <summary>The (float-rounded) matrix and label the estimators read from <see cref="Rows"/>.</summary>
    private static (PredictionMatrix P, double[] Y) AsRead(List<Row> rows) => (
        new PredictionMatrix(["A", "B", "C"], [rows.Select(r => (double)r.A).ToArray(), rows.Select(r => (double)r.B).ToArray(), rows.Select(r => (double)r.C).ToArray()]),
        rows.Select(r => (double)r.Label).ToArray());

    [TestMethod]
    public void SelectBest_WithFolds_BestSingleErrorIsLeaveOneUserFoldOut()
    {
        // On the fold-shift zoo the model that is best on three folds is the poor one on the fourth, which only the user's folds reveal.
        var (p, y, folds) = Synthetic.FoldShift(60, 3);
        var expected = new double[y.Length];
        for (int f = 0; f < 4; f++)
        {
            var train = Enumerable.Range(0, y.Length).Where(i => folds[i] != f).ToArray();
            int best = Enumerable.Range(0, 3).OrderBy(k => CombinerTests.Rmse(train.Select(i => p.Columns[k][i]).ToArray(), train.Select(i => y[i]).ToArray())).First();
            foreach (int i in Enumerable.Range(0, y.Length).Where(i => folds[i] == f))
            {
                expected[i] = p.Columns[best][i];
            }
        }

        var selector = new SelectBestCombiner(new() { Candidates = [new RidgeStackingCombiner(), new BestSingleModelCombiner()] });
        var withFolds = selector.Fit(p, y, folds).Diagnostics!.Selection!;
        var shuffled = selector.Fit(p, y).Diagnostics!.Selection!;

        Assert.AreEqual(CombinerTests.Rmse(expected, y), withFolds.CrossValidationErrors[1], 1e-12);
        Assert.IsGreaterThan(1.1, withFolds.CrossValidationErrors[1]);
        Assert.IsLessThan(0.9, shuffled.CrossValidationErrors[1]);
    }

    [TestMethod]
    public void RidgeStacking_WithFolds_SearchesAlphaOverThemAndIgnoresTheirLabels()
    {
        var (p, y, folds) = Synthetic.FoldShift(60, 3);
        var ridge = new RidgeStackingCombiner();

        var withFolds = ridge.Fit(p, y, folds);
        var relabelled = ridge.Fit(p, y, folds.Select(f => 7 + 5 * f).ToArray());
        var shuffled = ridge.Fit(p, y);

        // Held-out user folds punish the weight on the locally good model, so a much stronger penalty wins than under shuffled folds.
        Assert.IsGreaterThan(3 * shuffled.Components[0].Alpha!.Value, withFolds.Components[0].Alpha!.Value);
        Assert.AreEqual(withFolds.Components[0].Alpha, relabelled.Components[0].Alpha);
        CollectionAssert.AreEqual(withFolds.CombinedLinearModel!.Coefficients.ToArray(), relabelled.CombinedLinearModel!.Coefficients.ToArray());
    }

    [TestMethod]
    public void RegularizedMetaLearning_WithFolds_OuterAndInnerFoldsAreTheUsers()
    {
        var (p, y, folds) = Synthetic.FoldShift(60, 3);

        var a = new RegularizedMetaLearningCombiner(new() { OuterFolds = 10, InnerFolds = 3 }).Fit(p, y, folds);
        var b = new RegularizedMetaLearningCombiner(new() { OuterFolds = 3, InnerFolds = 5, Seed = 9 }).Fit(p, y, folds);
        var shuffled = new RegularizedMetaLearningCombiner(new() { OuterFolds = 4 }).Fit(p, y);

        // The fold options and seed no longer matter, and the out-of-fold error sees the shift between folds.
        Assert.AreEqual(a.Diagnostics!.OutOfFoldError, b.Diagnostics!.OutOfFoldError);
        CollectionAssert.AreEqual(a.Components.Select(c => c.Alpha).ToArray(), b.Components.Select(c => c.Alpha).ToArray());
        Assert.IsGreaterThan(shuffled.Diagnostics!.OutOfFoldError!.Value + 0.05, a.Diagnostics.OutOfFoldError!.Value);
    }

    [TestMethod]
    public void RegularizedMetaLearning_WithFolds_EachOuterFoldSearchesAlphaOverTheOtherUserFolds()
    {
        // With only the Ridge meta-model on the raw columns, outer fold f of the pipeline is ridge stacking fitted on the rows of
        // the other folds with their folds, predicting fold f; the final model is ridge stacking on all rows with all folds.
        var (p, y, folds) = Synthetic.FoldShift(60, 3);
        double[] alphas = StackingData.LogSpace(-3, 5, 50);
        var pipeline = new RegularizedMetaLearningCombiner(new()
        {
            UseRedundancyProjection = false, UseMetaFeatures = false, MetaModels = MetaModelKinds.Ridge, RidgeAlphas = alphas,
        }).Fit(p, y, folds);

        var ridge = new RidgeStackingCombiner(new() { Alphas = alphas });
        var outOfFold = new double[y.Length];
        for (int f = 0; f < 4; f++)
        {
            var train = StackingData.RowsOutside(folds, f);
            var held = Enumerable.Range(0, y.Length).Where(i => folds[i] == f).ToArray();
            var model = ridge.Fit(StackingData.Rows(p, train), train.Select(i => y[i]).ToArray(), train.Select(i => folds[i]).ToArray());
            var predicted = model.Predict(StackingData.Rows(p, held));
            for (int i = 0; i < held.Length; i++)
            {
                outOfFold[held[i]] = predicted[i];
            }
        }

        Assert.AreEqual(CombinerTests.Rmse(outOfFold, y), pipeline.Components[0].OutOfFoldError!.Value, 1e-9);
        Assert.AreEqual(ridge.Fit(p, y, folds).Components[0].Alpha, pipeline.Components[0].Alpha);
    }

    [TestMethod]
    public void RegularizedLogisticMetaLearning_WithFolds_FoldOptionsNoLongerMatter()
    {
        var (p, y, folds) = Synthetic.FoldShift(60, 4);
        var label = y.Select(v => v > 0 ? 1.0 : 0.0).ToArray();
        var probabilities = new PredictionMatrix(p.Names, p.Columns.Select(c => c.Select(v => StackingModel.Sigmoid(2 * v)).ToArray()).ToArray());

        var a = new RegularizedLogisticMetaLearningCombiner(new() { OuterFolds = 5 }).Fit(probabilities, label, folds);
        var b = new RegularizedLogisticMetaLearningCombiner(new() { OuterFolds = 2, InnerFolds = 4, Seed = 3 }).Fit(probabilities, label, folds);
        var shuffled = new RegularizedLogisticMetaLearningCombiner(new() { OuterFolds = 4 }).Fit(probabilities, label);

        Assert.AreEqual(a.Diagnostics!.OutOfFoldError, b.Diagnostics!.OutOfFoldError);
        Assert.AreNotEqual(shuffled.Diagnostics!.OutOfFoldError, a.Diagnostics.OutOfFoldError);
    }

    [TestMethod]
    public void MetaLearning_TwoFolds_ThrowsNamingTheNeedForThree()
    {
        var (p, y, folds) = Synthetic.FoldShift(20, 5);
        var two = folds.Select(f => f % 2).ToArray();

        var ex = Assert.ThrowsExactly<ArgumentException>(() => new RegularizedMetaLearningCombiner().Fit(p, y, two));
        StringAssert.Contains(ex.Message, "at least 3 folds");
        Assert.AreEqual(1, new BestSingleModelCombiner().Fit(p, y, two).Components.Count); // no inner CV: 2 folds are fine
    }

    [TestMethod]
    [DataRow(new[] { 0, 0, 0, 0 }, "single fold")]
    [DataRow(new[] { 0, 1, -1, 0 }, "negative fold (-1) at row 2")]
    [DataRow(new[] { 0, 1, 0 }, "has 3 values but the predictions have 4 rows")]
    public void Fit_BadFoldAssignment_ThrowsArgumentException(int[] folds, string message)
    {
        var p = new PredictionMatrix(["m"], [[1.0, 2, 3, 4]]);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => new RidgeStackingCombiner().Fit(p, [1.0, 2, 3, 4], folds));
        StringAssert.Contains(ex.Message, message);
        Assert.AreEqual("folds", ex.ParamName);
    }

    [TestMethod]
    [DataRow(nameof(Row.Fold))]
    [DataRow(nameof(Row.FoldKey))]
    [DataRow(nameof(Row.FoldSingle))]
    [DataRow(nameof(Row.FoldDouble))]
    public void StackPredictions_FoldColumn_EqualsCombinerFitWithThoseFolds(string foldColumn)
    {
        var (p, y, folds) = Synthetic.FoldShift(60, 3);
        var rows = Rows(p, y, folds);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var combiner = new RidgeStackingCombiner();
        var (read, label) = AsRead(rows);

        var model = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: combiner, foldColumnName: foldColumn).Fit(data);
        var noFolds = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: combiner).Fit(data);

        var expected = combiner.Fit(read, label, folds).CombinedLinearModel!;
        CollectionAssert.AreEqual(expected.Coefficients.ToArray(), model.Model.CombinedLinearModel!.Coefficients.ToArray());
        Assert.AreNotEqual(noFolds.Model.Components[0].Alpha, model.Model.Components[0].Alpha);
    }

    [TestMethod]
    [DataRow(nameof(Row.FoldText), "expected a scalar integer, key, Single or Double column")]
    [DataRow(nameof(Row.FoldVector), "expected a scalar integer, key, Single or Double column")]
    [DataRow("Missing", "column not found")]
    public void StackPredictions_BadFoldColumnType_ThrowsNamingColumn(string foldColumn, string message)
    {
        var (p, y, folds) = Synthetic.FoldShift(10, 3);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(p, y, folds));
        var estimator = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: new RidgeStackingCombiner(), foldColumnName: foldColumn);

        var fit = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(data));
        StringAssert.Contains(fit.Message, $"fold column '{foldColumn}'");
        StringAssert.Contains(fit.Message, message);
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!;
        var schema = Assert.ThrowsExactly<ArgumentException>(() => estimator.GetOutputSchema((SchemaShape)create.Invoke(null, [data.Schema])!));
        StringAssert.Contains(schema.Message, $"fold column '{foldColumn}'");
    }

    [TestMethod]
    [DataRow("NaN", "not a whole number (NaN) at row 1")]
    [DataRow("1.5", "not a whole number (1.5) at row 1")]
    [DataRow("-1", "negative fold (-1) at row 1")]
    [DataRow("missing key", "missing key at row 1")]
    [DataRow("single", "single fold")]
    public void StackPredictions_BadFoldValue_ThrowsNamingColumnAndRow(string bad, string message)
    {
        var (p, y, folds) = Synthetic.FoldShift(10, 3);
        var rows = Rows(p, y, folds);
        string column = bad == "missing key" ? nameof(Row.FoldKey) : nameof(Row.FoldSingle);
        switch (bad)
        {
            case "missing key": rows[1].FoldKey = 4; break;
            case "single": rows.ForEach(r => r.FoldSingle = 2); break;
            default: rows[1].FoldSingle = float.Parse(bad, System.Globalization.CultureInfo.InvariantCulture); break;
        }

        var ml = new MLContext(seed: 1);
        var estimator = ml.Regression.Trainers.StackPredictions(["A", "B", "C"], combiner: new RidgeStackingCombiner(), foldColumnName: column);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, $"fold column '{column}'");
        StringAssert.Contains(ex.Message, message);
    }

    [TestMethod]
    public void Options_FoldColumnIsTheLabel_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new PredictionColumnsStackingEstimator(new() { PredictionColumnNames = ["A"], FoldColumnName = "Label" }));
        Assert.AreEqual("FoldColumnName", ex.ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => new StackingEnsembleEstimator([new MeanEstimator(new MLContext(0))], new() { FoldColumnName = " " }));
    }

    public sealed class LabelInput
    {
        public float Label { get; set; }
    }

    public sealed class ScoreOutput
    {
        public float Score { get; set; }
    }

    /// <summary>A base "model" that predicts the mean label of its training rows, so its out-of-fold prediction names its training folds.</summary>
    private sealed class MeanEstimator(MLContext ml) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            float mean = (float)input.GetColumn<float>("Label").Select(v => (double)v).Average();
            return ml.Transforms.CustomMapping<LabelInput, ScoreOutput>((i, o) => o.Score = mean, contractName: null).Fit(input);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
            ml.Transforms.CustomMapping<LabelInput, ScoreOutput>((i, o) => o.Score = 0, contractName: null).GetOutputSchema(inputSchema);
    }

    /// <summary>Records the fold assignment the estimator hands over; combines like a simple average.</summary>
    private sealed class RecordingCombiner : StackingCombiner
    {
        public int[]? Folds { get; private set; }

        public override string Name => "recording";

        protected override StackingModel FitCore(PredictionMatrix predictions, double[] label, int[]? folds)
        {
            Folds = folds;
            return new SimpleAverageCombiner().Fit(predictions, label);
        }
    }

    [TestMethod]
    public void StackingEnsemble_FoldColumn_OuterKFoldUsesItAndTheCombinerGetsIt()
    {
        // Unequal folds labelled 1, 2, 3, 4 (5, 10, 15 and 10 rows) and label = row index, so each out-of-fold prediction shows
        // which rows its model was trained on.
        int[] sizes = [5, 10, 15, 10];
        var fold = sizes.SelectMany((s, f) => Enumerable.Repeat(f + 1, s)).ToArray();
        var rows = fold.Select((f, i) => new Row { Label = i, Fold = f }).ToList();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var recording = new RecordingCombiner();

        var model = new StackingEnsembleEstimator([new MeanEstimator(ml)], new() { FoldColumnName = nameof(Row.Fold), Combiner = recording, Folds = 3 }).Fit(data);

        var oof = model.OutOfFoldPredictions!.Columns[0];
        var label = model.OutOfFoldLabel!;
        Assert.HasCount(40, label);
        for (int r = 0; r < label.Count; r++)
        {
            int i = (int)label[r];
            double expected = Enumerable.Range(0, 40).Where(j => fold[j] != fold[i]).Average();
            Assert.AreEqual(expected, oof[r], 1e-4, $"row {i} (fold {fold[i]})");
            Assert.AreEqual(fold[i] - 1, recording.Folds![r], $"fold handed to the combiner for row {i}");
        }

        var withoutColumn = new RecordingCombiner();
        new StackingEnsembleEstimator([new MeanEstimator(ml)], new() { Combiner = withoutColumn, Folds = 4 }).Fit(data);
        Assert.IsNull(withoutColumn.Folds);
    }
}
