using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Attacks;

/// <summary>Seeded rows and small trained networks for the attack tests.</summary>
internal static class AttackTestData
{
    /// <summary>Uniform rows in [-1, 1]^d and labels in [0, classes).</summary>
    public static (Tensor Features, Tensor Labels) Random(int rows, int features, int classes, int seed)
    {
        var r = new Random(seed);
        var x = Enumerable.Range(0, rows * features).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, rows).Select(_ => (long)r.Next(classes)).ToArray();
        return (tensor(x, [rows, features]), tensor(y));
    }

    public const int StandardRows = 300;

    private static readonly Lazy<(NeuralNetworkPredictionTransformer Model, IDataView Data, float[] Features, long[] Labels)> StandardModel = new(() =>
    {
        var ml = new MLContext(3);
        var data = SyntheticData.MulticlassView(ml, StandardRows, 3);
        var model = ml.MulticlassClassification.Trainers.NeuralNetwork(StandardOptions(3)).Fit(data);
        var features = data.GetColumn<float[]>("Features").SelectMany(v => v).ToArray();
        var labels = data.GetColumn<uint>("Label").Select(k => (long)k - 1).ToArray();
        return (model, data, features, labels);
    });

    /// <summary>The options of the shared standard network: 4-32-32-3, 30 epochs of AdamW at 0.01, no dropout or validation, one
    /// TorchSharp thread (tiny batches gain nothing from more, and lose much to thread hand-offs on a loaded machine).</summary>
    public static NeuralNetworkMulticlassTrainer.Options StandardOptions(int seed) => new()
    {
        HiddenLayerSizes = [32, 32], Epochs = 30, BatchSize = 64, Dropout = 0, EarlyStoppingPatience = null, ValidationFraction = 0, Seed = seed,
        Optimizer = new AdamWSpec(LearningRate: 0.01), NumberOfThreads = 1,
    };

    /// <summary>A 3-class network trained once on <see cref="SyntheticData.Multiclass"/> (300 rows, seed 3), shared by the tests (never
    /// disposed), the rows it was trained on as an <see cref="IDataView"/>, and new tensors of those rows (labels as 0-based classes).</summary>
    public static (NeuralNetworkPredictionTransformer Model, IDataView Data, Tensor Features, Tensor Labels) TrainedMulticlass()
    {
        var (model, data, features, labels) = StandardModel.Value;
        return (model, data, tensor(features, [labels.Length, SyntheticData.FeatureCount]), tensor(labels));
    }

    /// <summary>The fraction of rows whose most probable class is the label.</summary>
    public static double Accuracy(IDifferentiableClassifier model, Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.LogProbabilities(features).argmax(1).eq(labels).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The largest per-row norm of <paramref name="delta"/>.</summary>
    public static double MaxNorm(Tensor delta, AttackNorm norm)
    {
        using var scope = NewDisposeScope();
        return norm == AttackNorm.LInfinity
            ? delta.abs().max().item<float>()
            : delta.square().sum(1).sqrt().max().item<float>();
    }
}
