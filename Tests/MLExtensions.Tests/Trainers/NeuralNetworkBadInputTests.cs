using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.Tests.Trainers;

[TestClass]
public sealed class NeuralNetworkBadInputTests
{
    private static NeuralNetworkBinaryTrainer.Options Small() => new() { HiddenLayerSizes = [4], Epochs = 2, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null };

    public sealed class ScalarFeatureRow
    {
        public float Features { get; set; }
        public bool Label { get; set; }
    }

    public sealed class VariableRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    public sealed class FloatLabelRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public sealed class KeyRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        [KeyType(3)] public uint Label { get; set; }
    }

    [TestMethod]
    public void Fit_MissingFeatureColumn_ThrowsNamingColumn()
    {
        var ml = new MLContext(1);
        var options = Small();
        options.FeatureColumnName = "Pixels";
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(10, 1))));
        StringAssert.Contains(ex.Message, "'Pixels'");
    }

    [TestMethod]
    public void Fit_ScalarFeatures_ThrowsSchemaMismatch()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new ScalarFeatureRow { Features = 1, Label = true } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(data));
        StringAssert.Contains(ex.Message, "Schema mismatch for feature column 'Features'");
    }

    [TestMethod]
    public void Fit_VariableSizeFeatures_ThrowsSchemaMismatch()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [1f], Label = true } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(data));
        StringAssert.Contains(ex.Message, "known-size vector");
    }

    [TestMethod]
    public void Fit_FloatLabelForBinary_ThrowsExpectedBoolean()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Features = [1, 2], Label = 1 } });
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(data));
        StringAssert.Contains(ex.Message, "Schema mismatch for label column 'Label': expected Boolean, got Single");
    }

    [TestMethod, DataRow(float.NaN), DataRow(float.PositiveInfinity)]
    public void Fit_NonFiniteFeature_ThrowsNamingRowAndSlot(float bad)
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(20, 1);
        rows[7].Features[2] = bad;
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "row 7, slot 2");
    }

    [TestMethod]
    public void Fit_NaNRegressionLabel_ThrowsNamingLabel()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(20, 1);
        rows[3].Label = float.NaN;
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { Epochs = 1 })
            .Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "Label column 'Label' has a NaN value at row 3");
    }

    [TestMethod]
    public void Fit_EmptyData_Throws()
    {
        var ml = new MLContext(1);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(ml.Data.LoadFromEnumerable(new List<SyntheticData.BinaryRow>())));
        StringAssert.Contains(ex.Message, "no rows");
    }

    [TestMethod]
    public void Fit_SingleClass_ThrowsNamingLabel()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Binary(20, 1).Select(r => new SyntheticData.BinaryRow { Features = r.Features, Label = true });
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            ml.BinaryClassification.Trainers.NeuralNetwork(Small()).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "single class (true)");
    }

    [TestMethod]
    public void Fit_MissingKeyLabel_ThrowsNamingKeyRange()
    {
        var ml = new MLContext(1);
        var rows = new[] { new KeyRow { Features = [1, 2], Label = 1 }, new KeyRow { Features = [2, 1], Label = 3 } /* LoadFromEnumerable stores key fields 0-based: 3 is out of range and becomes the missing key 0 */ };
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers
            .NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { Epochs = 1, ValidationFraction = 0, EarlyStoppingPatience = null }).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "expected 1..3");
    }

    [TestMethod]
    public void Fit_ExplodingLearningRate_StopsWithEpochAndAdvice()
    {
        var ml = new MLContext(1);
        var rows = SyntheticData.Regression(200, 1).Select(r => new SyntheticData.RegressionRow { Features = r.Features.Select(f => f * 1e4f).ToArray(), Label = r.Label }).ToList();
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [32], Epochs = 20, Seed = 1, ValidationFraction = 0, EarlyStoppingPatience = null,
            Optimizer = new SgdSpec(LearningRate: 10, Momentum: 0.9),
        };
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Regression.Trainers.NeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(ex.Message, "epoch");
        StringAssert.Contains(ex.Message, "Lower the learning rate");
    }

    [TestMethod]
    public void Constructor_InvalidOptions_ThrowNamingOption()
    {
        Assert.AreEqual("Epochs", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { Epochs = 0 })).ParamName);
        Assert.AreEqual("BatchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { BatchSize = 0 })).ParamName);
        Assert.AreEqual("Dropout", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { Dropout = 1 })).ParamName);
        Assert.AreEqual("HiddenLayerSizes", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { HiddenLayerSizes = [8, 0] })).ParamName);
        Assert.AreEqual("ValidationFraction", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { ValidationFraction = 0.9 })).ParamName);
        Assert.AreEqual("GradientClipNorm", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { GradientClipNorm = -1 })).ParamName);
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { Optimizer = new AdamWSpec(LearningRate: -1) })).ParamName);
        Assert.AreEqual("Beta1", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { Optimizer = new AdamSpec(Beta1: 1) })).ParamName);
        Assert.AreEqual("FinalFactor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { LearningRateSchedule = new CosineSchedule(2) })).ParamName);
        Assert.AreEqual("EarlyStoppingPatience", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NeuralNetworkBinaryTrainer(new() { EarlyStoppingPatience = 0 })).ParamName);
    }

    [TestMethod]
    public void Constructor_OptionsEditedAfterwards_TrainerKeepsItsCopy()
    {
        var ml = new MLContext(1);
        var options = Small();
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(options);
        options.Epochs = 0; // invalid, but the trainer validated and kept its own copy
        using var model = trainer.Fit(ml.Data.LoadFromEnumerable(SyntheticData.Binary(30, 1)));
        Assert.AreEqual(2, model.Model.History.Count);
    }

    // SchemaShape.Create is internal to ML.NET; the test reaches it by reflection to build a shape from a schema.
    internal static SchemaShape ShapeOf(DataViewSchema schema) => (SchemaShape)typeof(SchemaShape)
        .GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
        .Invoke(null, [schema])!;

    [TestMethod]
    public void GetOutputSchema_MissingLabel_ThrowsNamingLabel()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(5, 1));
        var dropped = ml.Transforms.DropColumns("Label").Fit(data).Transform(data);
        var shape = ShapeOf(dropped.Schema);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => ml.BinaryClassification.Trainers.NeuralNetwork(Small()).GetOutputSchema(shape));
        StringAssert.Contains(ex.Message, "'Label'");
    }
}
