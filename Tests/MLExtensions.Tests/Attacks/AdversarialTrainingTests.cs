using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class AdversarialTrainingTests : OneTorchThreadTestBase
{
    private static NeuralNetworkMulticlassTrainer.Options Small(int seed, AdversarialTrainingOptions? adversarial) => new()
    {
        HiddenLayerSizes = [32, 32], Epochs = 20, BatchSize = 50, Dropout = 0, EarlyStoppingPatience = null, ValidationFraction = 0, Seed = seed,
        Optimizer = new AdamWSpec(LearningRate: 0.01), AdversarialTraining = adversarial, NumberOfThreads = 1,
    };

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void PgdTrainedModel_IsMoreRobustThanAStandardOne(int seed)
    {
        var ml = new MLContext(seed);
        var train = SyntheticData.MulticlassView(ml, 200, seed);
        var test = SyntheticData.MulticlassView(ml, 200, seed + 100);
        var box = InputBox.Uniform(-1, 1);
        using var standard = ml.MulticlassClassification.Trainers.NeuralNetwork(Small(seed, null)).Fit(train);
        using var robust = ml.MulticlassClassification.Trainers.NeuralNetwork(Small(seed, new AdversarialTrainingOptions
        {
            Epsilon = 0.15, Iterations = 5, InputBox = box,
        })).Fit(train);
        using var x = tensor(test.GetColumn<float[]>("Features").SelectMany(v => v).ToArray(), [200, SyntheticData.FeatureCount]);
        using var y = tensor(test.GetColumn<uint>("Label").Select(k => (long)k - 1).ToArray());
        var attack = new PgdAttack(new PgdAttack.Options { Epsilon = 0.15, Iterations = 10, InputBox = box });

        double RobustAccuracy(NeuralNetworkPredictionTransformer model)
        {
            using var classifier = model.CreateDifferentiableClassifier();
            using var generator = new Generator((ulong)seed);
            using var adversarial = attack.Perturb(classifier, x, y, generator);
            return AttackTestData.Accuracy(classifier, adversarial, y);
        }

        double standardRobust = RobustAccuracy(standard), robustRobust = RobustAccuracy(robust);
        Assert.IsGreaterThan(standardRobust + 0.01, robustRobust, $"robust accuracy: PGD-AT {robustRobust}, standard {standardRobust}");
    }

    [TestMethod]
    public void PgdTraining_IsDeterministic_AndRecordedInTheModel()
    {
        var ml = new MLContext(1);
        var train = SyntheticData.MulticlassView(ml, 60, 4);
        var options = Small(4, new AdversarialTrainingOptions { Epsilon = 0.1, Iterations = 3 });
        options.Epochs = 2;
        using var a = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(train);
        using var b = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(train);
        options.AdversarialTraining = null;
        using var plain = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(train);

        CollectionAssert.AreEqual(a.Model.GetWeight("output.weight").Values.ToArray(), b.Model.GetWeight("output.weight").Values.ToArray());
        CollectionAssert.AreNotEqual(a.Model.GetWeight("output.weight").Values.ToArray(), plain.Model.GetWeight("output.weight").Values.ToArray());
        Assert.IsNull(plain.Model.AdversarialTraining);
        var recorded = a.Model.AdversarialTraining!;
        Assert.AreEqual(0.1, recorded.Epsilon);
        Assert.AreEqual(3, recorded.Iterations);
        // No box given: the training rows' per-feature range.
        var rows = SyntheticData.Multiclass(60, 4);
        for (int i = 0; i < SyntheticData.FeatureCount; i++)
        {
            Assert.AreEqual(rows.Min(r => r.Features[i]), recorded.InputBox!.Lower[i]);
            Assert.AreEqual(rows.Max(r => r.Features[i]), recorded.InputBox!.Upper[i]);
        }
    }

    [TestMethod]
    public void BinaryTrainer_TrainsAdversarially()
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(60, 2));
        using var model = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            Epochs = 2, HiddenLayerSizes = [8], EarlyStoppingPatience = null, Seed = 1, Normalization = NormalizationKind.BatchNorm,
            AdversarialTraining = new AdversarialTrainingOptions { Iterations = 2 },
        }).Fit(train);
        Assert.IsNotNull(model.Model.AdversarialTraining);
        Assert.IsTrue(model.Model.History.All(h => double.IsFinite(h.TrainingLoss)));
    }

    [TestMethod]
    public void BadOptions_NameAdversarialTraining()
    {
        var ml = new MLContext(1);
        foreach (Action<AdversarialTrainingOptions> breakIt in new Action<AdversarialTrainingOptions>[]
                 { o => o.Epsilon = 0, o => o.Epsilon = double.NaN, o => o.Iterations = 0, o => o.StepSize = -1, o => o.Norm = (AttackNorm)9 })
        {
            var adversarial = new AdversarialTrainingOptions();
            breakIt(adversarial);
            var e = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options { AdversarialTraining = adversarial }));
            Assert.AreEqual(nameof(NeuralNetworkOptionsBase.AdversarialTraining), e.ParamName);
        }
        var regression = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.NeuralNetwork(new NeuralNetworkRegressionTrainer.Options { AdversarialTraining = new() }));
        Assert.AreEqual(nameof(NeuralNetworkOptionsBase.AdversarialTraining), regression.ParamName);
    }

    [TestMethod]
    public void Options_AreCopiedByTheTrainer()
    {
        var ml = new MLContext(1);
        var adversarial = new AdversarialTrainingOptions { Epsilon = 0.05, Iterations = 1 };
        var options = Small(1, adversarial);
        options.Epochs = 1;
        var trainer = ml.MulticlassClassification.Trainers.NeuralNetwork(options);
        adversarial.Epsilon = -3;
        using var model = trainer.Fit(SyntheticData.MulticlassView(ml, 30, 1));
        Assert.AreEqual(0.05, model.Model.AdversarialTraining!.Epsilon);
    }
}
