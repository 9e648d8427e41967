using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The adaptive-smoothing composite seen as an <see cref="IDifferentiableClassifier"/>: its log-probabilities are the mixture h(x),
/// differentiable with respect to the features through both base models and through α(x), so an attack on it is an adaptive attack
/// on the whole composite (ALGORITHMS.md C.4: no detached features).
/// </summary>
internal sealed class AdaptiveSmoothingClassifier : IDifferentiableClassifier
{
    private readonly AdaptiveSmoothingNetwork _network;
    private readonly bool _ownsNetwork;
    private readonly bool _scaleAlpha;
    private bool _disposed;

    /// <param name="network">The composite.</param>
    /// <param name="scaleAlpha">Whether α is mapped into the prediction-time range (true for predictions; false for the training adversary).</param>
    /// <param name="ownsNetwork">Whether <see cref="Dispose"/> frees <paramref name="network"/>; the training loop keeps its own.</param>
    public AdaptiveSmoothingClassifier(AdaptiveSmoothingNetwork network, bool scaleAlpha, bool ownsNetwork)
    {
        _network = network;
        _scaleAlpha = scaleAlpha;
        _ownsNetwork = ownsNetwork;
    }

    /// <inheritdoc />
    public int FeatureCount => _network.Model.FeatureCount;

    /// <inheritdoc />
    public int ClassCount => _network.Model.ClassCount;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The features are not [n, FeatureCount].</exception>
    public Tensor LogProbabilities(Tensor features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[1] != FeatureCount)
            throw new ArgumentException($"The features have shape [{string.Join(", ", features.shape)}]; the composite reads [n, {FeatureCount}].", nameof(features));
        using var scope = NewDisposeScope();
        var (logProbabilities, _) = _network.Forward(features, _scaleAlpha);
        return logProbabilities.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the composite when this view owns it; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsNetwork) _network.Dispose();
    }
}
