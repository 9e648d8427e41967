using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// An <see cref="MlpNetwork"/> trained as a binary or multiclass classifier, seen as an <see cref="IDifferentiableClassifier"/>:
/// multiclass log-probabilities are the log-softmax of the logits; a binary network's one logit z gives
/// [log σ(−z), log σ(z)] (class 1 is the positive label).
/// </summary>
/// <remarks>Get one from <see cref="NeuralNetworkModelParameters.CreateDifferentiableClassifier"/>; it owns its network (on the CPU,
/// in evaluation mode) and frees it on <see cref="Dispose"/>.</remarks>
public sealed class MlpClassifier : IDifferentiableClassifier
{
    private readonly MlpNetwork _network;
    private readonly bool _ownsNetwork;
    private readonly bool _binary;
    private bool _disposed;

    /// <summary>Wraps <paramref name="network"/>; with <paramref name="ownsNetwork"/> false the caller keeps the network (and its
    /// mode: the training loop switches it to evaluation mode around an attack).</summary>
    internal MlpClassifier(MlpNetwork network, PredictionTask task, bool ownsNetwork)
    {
        if (task == PredictionTask.Regression)
            throw new NotSupportedException("A regression network has no class probabilities to attack; attacks need a binary or multiclass classifier.");
        _network = network;
        _ownsNetwork = ownsNetwork;
        _binary = task == PredictionTask.BinaryClassification;
        if (_binary && network.Architecture.OutputSize != 1)
            throw new ArgumentException($"A binary network has one output; this one has {network.Architecture.OutputSize}.", nameof(network));
        if (!_binary && network.Architecture.OutputSize < 2)
            throw new ArgumentException($"A multiclass network has at least 2 outputs; this one has {network.Architecture.OutputSize}.", nameof(network));
    }

    /// <inheritdoc />
    public int FeatureCount => _network.Architecture.InputSize;

    /// <inheritdoc />
    public int ClassCount => _binary ? 2 : _network.Architecture.OutputSize;

    /// <summary>The wrapped network (its hidden features are what the adaptive-smoothing mixing network reads).</summary>
    internal MlpNetwork Network => _network;

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The classifier was disposed.</exception>
    public Tensor LogProbabilities(Tensor features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[1] != FeatureCount)
            throw new ArgumentException($"The features have shape [{string.Join(", ", features.shape)}]; the network reads [n, {FeatureCount}].", nameof(features));
        using var scope = NewDisposeScope();
        var logits = _network.forward(features);
        var result = _binary
            ? torch.cat([nn.functional.logsigmoid(logits.neg()), nn.functional.logsigmoid(logits)], 1)
            : nn.functional.log_softmax(logits, 1);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the network when this classifier owns it; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsNetwork) _network.Dispose();
    }
}
