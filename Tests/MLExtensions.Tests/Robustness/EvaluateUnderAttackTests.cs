using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Attacks;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Robustness;

[TestClass]
public sealed class EvaluateUnderAttackTests : OneTorchThreadTestBase
{
    [TestMethod]
    public void ReportsCleanAndAttackedAccuracy_PerAttackAndWorstCase()
    {
        var (model, data, x, y) = AttackTestData.TrainedMulticlass();
        x.Dispose(); y.Dispose();
        var ml = new MLContext(1);
        var attacks = new AdversarialAttack[]
        {
            new FgsmAttack(new FgsmAttack.Options { Epsilon = 0.1 }),
            new PgdAttack(new PgdAttack.Options { Epsilon = 0.1, Iterations = 10 }),
            new PgdAttack(new PgdAttack.Options { Epsilon = 1.0, Iterations = 20, InputBox = InputBox.Uniform(-1, 1) }),
        };

        var metrics = ml.MulticlassClassification.EvaluateUnderAttack(data, model, attacks, batchSize: 128, seed: 3);

        var reference = ml.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.AreEqual(AttackTestData.StandardRows, metrics.RowCount);
        Assert.AreEqual(reference.MicroAccuracy, metrics.CleanAccuracy, 1e-9);
        Assert.AreEqual(attacks[1].Name, metrics.Attacks[1].AttackName);
        Assert.IsLessThan(metrics.CleanAccuracy, metrics.Attacks[0].Accuracy);
        Assert.IsLessThanOrEqualTo(metrics.Attacks[0].Accuracy + 0.02, metrics.Attacks[1].Accuracy, "PGD at least about as strong as FGSM");
        Assert.IsLessThan(0.05, metrics.Attacks[2].Accuracy);
        Assert.IsLessThanOrEqualTo(metrics.Attacks.Min(a => a.Accuracy), metrics.WorstCaseAccuracy);
        // Seeded: the same call gives the same numbers.
        Assert.AreEqual(metrics.Attacks[1].Accuracy, ml.MulticlassClassification.EvaluateUnderAttack(data, model, attacks, batchSize: 128, seed: 3).Attacks[1].Accuracy);
    }

    [TestMethod]
    public void Chain_AttacksTheLastTransformersFeatures()
    {
        var (model, data, x, y) = AttackTestData.TrainedMulticlass();
        x.Dispose(); y.Dispose();
        var ml = new MLContext(1);
        var renamed = ml.Transforms.CopyColumns("Raw", "Features").Fit(data).Transform(data);
        var chain = ml.Transforms.CopyColumns("Features", "Raw").Fit(renamed).Append(model);
        var attack = new[] { new PgdAttack(new PgdAttack.Options { Epsilon = 0.1, Iterations = 5 }) };

        var viaChain = ml.MulticlassClassification.EvaluateUnderAttack(renamed, chain, attack, seed: 1);
        var direct = ml.MulticlassClassification.EvaluateUnderAttack(data, model, attack, seed: 1);

        Assert.AreEqual(direct.CleanAccuracy, viaChain.CleanAccuracy);
        Assert.AreEqual(direct.Attacks[0].Accuracy, viaChain.Attacks[0].Accuracy);
    }

    [TestMethod]
    public void Binary_Works()
    {
        var ml = new MLContext(2);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(80, 2));
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            Epochs = 5, HiddenLayerSizes = [8], EarlyStoppingPatience = null, Seed = 2,
        }).Fit(data);

        var metrics = ml.BinaryClassification.EvaluateUnderAttack(data, model, [new PgdAttack(new PgdAttack.Options { Epsilon = 2, Iterations = 10 })]);

        Assert.AreEqual(ml.BinaryClassification.Evaluate(model.Transform(data)).Accuracy, metrics.CleanAccuracy, 1e-9);
        Assert.IsLessThan(0.05, metrics.Attacks[0].Accuracy);
    }

    [TestMethod]
    public void BadInput_NamesTheParameter()
    {
        var (model, data, x, y) = AttackTestData.TrainedMulticlass();
        x.Dispose(); y.Dispose();
        var ml = new MLContext(1);
        AdversarialAttack[] attacks = [new FgsmAttack(new FgsmAttack.Options())];
        var notAttackable = ml.Transforms.CopyColumns("Copy", "Features").Fit(data);

        Assert.AreEqual("model", Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.EvaluateUnderAttack(data, notAttackable, attacks)).ParamName);
        Assert.AreEqual("attacks", Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.EvaluateUnderAttack(data, model, [])).ParamName);
        Assert.AreEqual("labelColumnName", Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.EvaluateUnderAttack(data, model, attacks, "Nope")).ParamName);
        Assert.AreEqual("labelColumnName", Assert.Throws<ArgumentException>(() => ml.BinaryClassification.EvaluateUnderAttack(data, model, attacks)).ParamName);
        Assert.AreEqual("batchSize", Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.EvaluateUnderAttack(data, model, attacks, batchSize: 0)).ParamName);
    }
}
