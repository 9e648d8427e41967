using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.Tests.Trainers;

namespace MLExtensions.Tests.Robustness;

/// <summary>Small base models (trained once per test run) and helpers to assemble adaptive-smoothing composites from them.</summary>
internal static class RobustnessFixture
{
    private static readonly Lazy<(NeuralNetworkPredictionTransformer Standard, NeuralNetworkPredictionTransformer Robust)> s_multiclass =
        new(() => Train(multiclass: true));

    private static readonly Lazy<(NeuralNetworkPredictionTransformer Standard, NeuralNetworkPredictionTransformer Robust)> s_binary =
        new(() => Train(multiclass: false));

    /// <summary>Two different 3-class models on <see cref="SyntheticData.Multiclass"/> (hidden [16] and [12, 8]).</summary>
    public static (NeuralNetworkPredictionTransformer Standard, NeuralNetworkPredictionTransformer Robust) Multiclass => s_multiclass.Value;

    /// <summary>Two different binary models on <see cref="SyntheticData.Binary"/>.</summary>
    public static (NeuralNetworkPredictionTransformer Standard, NeuralNetworkPredictionTransformer Robust) Binary => s_binary.Value;

    public static IDataView MulticlassData(MLContext ml, int rows = 200, int seed = 11) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(rows, 3)))
            .Transform(ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(rows, seed)));

    public static IDataView BinaryData(MLContext ml, int rows = 200, int seed = 11) => ml.Data.LoadFromEnumerable(SyntheticData.Binary(rows, seed));

    /// <summary>Row-major features of <paramref name="rows"/> seeded points in [-1, 1]^4.</summary>
    public static float[] Points(int rows, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, rows * SyntheticData.FeatureCount).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>A composite with a mixing network of random (seeded) weights and the given constants; running statistics mean 0, variance 1.</summary>
    public static AdaptiveSmoothingModelParameters WithRandomMixer(NeuralNetworkModelParameters standard, NeuralNetworkModelParameters robust,
                                                                   int seed, double gammaScale = 4, double gammaBias = 0,
                                                                   double alphaScale = 1, double alphaBias = 0)
    {
        int inputs = standard.Architecture.HiddenSizes[^1] + robust.Architecture.HiddenSizes[^1];
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using var mixer = new MixingNetwork(inputs, 32, gammaScale, gammaBias, generator);
        return new AdaptiveSmoothingModelParameters(standard, robust, null, mixer.GetWeights(), 32, gammaScale, gammaBias, alphaScale, alphaBias,
            1, 1, [], seed);
    }

    public static AdaptiveSmoothingModelParameters Constant(NeuralNetworkModelParameters standard, NeuralNetworkModelParameters robust, double alpha) =>
        new(standard, robust, alpha, null, 0, 2, 0, 1, 0, 1, 1, [], 0);

    public static AdaptiveSmoothingPredictionTransformer Transformer(AdaptiveSmoothingModelParameters model, IDataView? labelled = null) =>
        new(model, "Features", labelled?.Schema["Label"].Annotations);

    private static (NeuralNetworkPredictionTransformer, NeuralNetworkPredictionTransformer) Train(bool multiclass)
    {
        var ml = new MLContext(1);
        if (multiclass)
        {
            var data = MulticlassData(ml, 300, 3);
            var a = ml.MulticlassClassification.Trainers.NeuralNetwork(Options<NeuralNetworkMulticlassTrainer.Options>([16], 1)).Fit(data);
            var b = ml.MulticlassClassification.Trainers.NeuralNetwork(Options<NeuralNetworkMulticlassTrainer.Options>([12, 8], 2)).Fit(data);
            return (a, b);
        }
        var binary = BinaryData(ml, 300, 3);
        var c = ml.BinaryClassification.Trainers.NeuralNetwork(Options<NeuralNetworkBinaryTrainer.Options>([16], 1)).Fit(binary);
        var d = ml.BinaryClassification.Trainers.NeuralNetwork(Options<NeuralNetworkBinaryTrainer.Options>([12, 8], 2)).Fit(binary);
        return (c, d);
    }

    private static T Options<T>(int[] hidden, int seed) where T : NeuralNetworkOptionsBase, new() => new()
    {
        HiddenLayerSizes = hidden,
        Epochs = 30,
        BatchSize = 32,
        Seed = seed,
        NumberOfThreads = 1,
        Optimizer = new AdamWSpec(LearningRate: 0.01),
    };
}
