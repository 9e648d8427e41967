namespace MLExtensions.Tests.Training;

/// <summary>Small packed regression data and options for training-loop tests.</summary>
internal static class LoopTestData
{
    /// <summary>y = x0 + 2 x1 − x2 + noise, features in [0, 1).</summary>
    public static PackedData Regression(int rows, int features = 3, int seed = 5)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, rows * features).Select(_ => (float)random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => x[i * features] + 2 * x[i * features + 1] - x[i * features + 2] + 0.1f * (float)random.NextDouble()).ToArray();
        return new PackedData(x, y, null, rows, features);
    }

    /// <summary>Options of a small, seeded CPU run without validation.</summary>
    public static NeuralNetworkRegressionTrainer.Options Options(int epochs = 3, int batchSize = 8) => new()
    {
        HiddenLayerSizes = [5],
        Dropout = 0,
        Epochs = epochs,
        BatchSize = batchSize,
        ValidationFraction = 0,
        EarlyStoppingPatience = null,
        Seed = 3,
        Device = DeviceKind.Cpu,
    };

    /// <summary>Trains with <paramref name="options"/> (validated) on <paramref name="data"/> and returns the history; the network is disposed.</summary>
    public static IReadOnlyList<EpochRecord> Train(NeuralNetworkOptionsBase options, PackedData data)
    {
        options.Validate();
        var result = new NeuralTrainingLoop(options, PredictionTask.Regression).Run(data, null, seed: 3);
        result.Network.Dispose();
        return result.History;
    }
}
