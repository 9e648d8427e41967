using MLExtensions.Networks;
using MLExtensions.Training;

namespace MLExtensions.Trainers;

/// <summary>
/// A trained network as plain data: its architecture, its weights as named float arrays and its training history.
/// Needs no live TorchSharp objects to inspect or export.
/// </summary>
public sealed class NeuralNetworkModelParameters
{
    internal NeuralNetworkModelParameters(PredictionTask task, MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights,
                                          IReadOnlyList<EpochRecord> history, int bestEpoch, int seed, string deviceName,
                                          IReadOnlyList<string>? classNames)
    {
        Task = task;
        Architecture = architecture;
        Weights = weights;
        History = history;
        BestEpoch = bestEpoch;
        Seed = seed;
        DeviceName = deviceName;
        ClassNames = classNames;
    }

    /// <summary>The task the network was trained for.</summary>
    public PredictionTask Task { get; }

    /// <summary>Layer sizes, activation, normalization and dropout.</summary>
    public MlpArchitecture Architecture { get; }

    /// <summary>Every parameter and normalization statistic by name (names documented on <see cref="MlpArchitecture"/>).</summary>
    public IReadOnlyList<NamedTensorData> Weights { get; }

    /// <summary>Per-epoch training loss, validation loss, learning rate, gradient norm and time.</summary>
    public IReadOnlyList<EpochRecord> History { get; }

    /// <summary>The epoch whose weights were kept (early stopping restores the best validation epoch).</summary>
    public int BestEpoch { get; }

    /// <summary>The seed used; pass it as <c>Seed</c> to reproduce the model on the CPU.</summary>
    public int Seed { get; }

    /// <summary>The device the network trained on (<c>cpu</c> or <c>cuda</c>).</summary>
    public string DeviceName { get; }

    /// <summary>For multiclass models, the class names in key order (from the label's key values); otherwise <c>null</c>.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Builds a CPU network in evaluation mode holding these weights.</summary>
    public MlpNetwork CreateNetwork()
    {
        var network = new MlpNetwork(Architecture);
        network.SetWeights(Weights);
        network.eval();
        return network;
    }

    /// <summary>The weight tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No weight has that name; the message lists the names.</exception>
    public NamedTensorData GetWeight(string name) =>
        Weights.FirstOrDefault(w => w.Name == name)
        ?? throw new KeyNotFoundException($"No weight named '{name}'. Available: {string.Join(", ", Weights.Select(w => w.Name))}.");
}
