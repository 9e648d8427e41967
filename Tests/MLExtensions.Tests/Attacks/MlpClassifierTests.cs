using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

[TestClass]
public sealed class MlpClassifierTests : OneTorchThreadTestBase
{
    [TestMethod]
    public void Binary_LogProbabilitiesAreTheLogSigmoidPairOfTheTransformersProbability()
    {
        var ml = new MLContext(2);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Binary(80, 2));
        using var transformer = ml.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            Epochs = 3, HiddenLayerSizes = [8], EarlyStoppingPatience = null, Seed = 2,
        }).Fit(data);
        var probability = transformer.Transform(data).GetColumn<float>("Probability").ToArray();
        var features = data.GetColumn<float[]>("Features").SelectMany(v => v).ToArray();
        using var classifier = transformer.CreateDifferentiableClassifier();
        using var x = tensor(features, [80, SyntheticData.FeatureCount]);

        using var logp = classifier.LogProbabilities(x);

        Assert.AreEqual(2, classifier.ClassCount);
        var values = logp.exp().data<float>().ToArray();
        for (int i = 0; i < 80; i++)
        {
            Assert.AreEqual(1.0, values[2 * i] + values[2 * i + 1], 1e-5);
            Assert.AreEqual(probability[i], values[2 * i + 1], 1e-5);
        }
    }

    [TestMethod]
    public void Multiclass_LogProbabilitiesAreTheTransformersScores()
    {
        var (transformer, data, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        var scores = transformer.Transform(data).GetColumn<float[]>("Score").SelectMany(v => v).ToArray();
        using var classifier = transformer.CreateDifferentiableClassifier();

        using var p = classifier.LogProbabilities(x).exp();

        Assert.AreEqual(3, classifier.ClassCount);
        var values = p.data<float>().ToArray();
        for (int i = 0; i < values.Length; i++) Assert.AreEqual(scores[i], values[i], 1e-5);
    }

    [TestMethod]
    public void Disposed_Throws()
    {
        var (transformer, _, x, y) = AttackTestData.TrainedMulticlass();
        using var __ = x; using var ___ = y;
        var classifier = transformer.Model.CreateDifferentiableClassifier();
        classifier.Dispose();
        classifier.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.LogProbabilities(x));
    }
}
