
namespace MLExtensions;

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

    /// <summary>For multiclass models, the class names in key order: the label's key values as invariant strings, or "1".."K"
    /// when the label has none; otherwise <c>null</c>.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Builds a CPU network in evaluation mode holding these weights.</summary>
    public MlpNetwork CreateNetwork()
    {
        var network = new MlpNetwork(Architecture);
        network.SetWeights(Weights);
        network.eval();
        return network;
    }

    /// <summary>A new differentiable view of this classifier for attacks (<see cref="AdversarialAttack"/>): its own CPU network in
    /// evaluation mode, owned and disposed by the caller.</summary>
    /// <exception cref="NotSupportedException">The model is a regression network, which has no class probabilities.</exception>
    public MlpClassifier CreateDifferentiableClassifier()
    {
        if (Task == PredictionTask.Regression)
            throw new NotSupportedException("A regression network has no class probabilities to attack; attacks need a binary or multiclass classifier.");
        var network = CreateNetwork();
        try
        {
            return new MlpClassifier(network, Task, ownsNetwork: true);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Writes the network as an ONNX model (opset 17): input <c>Features</c> [N, InputSize]; outputs as documented on
    /// <see cref="MlpOnnxExporter"/> (regression <c>Score</c> [N]; binary <c>Score</c>, <c>Probability</c>, <c>PredictedLabel</c> [N];
    /// multiclass <c>Score</c> [N, K] and <c>PredictedIndex</c> [N]).</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="inputName">Name of the graph input.</param>
    public void ExportOnnx(Stream destination, string inputName = ColumnNames.Features) =>
        MlpOnnxExporter.Export(Architecture, Weights, Task, destination, inputName, ClassNames);

    /// <summary>The weight tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No weight has that name; the message lists the names.</exception>
    public NamedTensorData GetWeight(string name) =>
        Weights.FirstOrDefault(w => w.Name == name)
        ?? throw new KeyNotFoundException($"No weight named '{name}'. Available: {string.Join(", ", Weights.Select(w => w.Name))}.");
}
