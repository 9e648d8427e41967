using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// A fitted ML.NET classifier that attacks can go through: it reads one float vector column and can give a differentiable view of
/// itself. <see cref="NeuralNetworkPredictionTransformer"/> (binary and multiclass) and the adaptive-smoothing transformer implement
/// it; the attacked-accuracy evaluator accepts any of them, also as the last transformer of a chain.
/// </summary>
public interface IAttackableTransformer : ITransformer
{
    /// <summary>The feature column the classifier reads; attacks perturb it, in its units.</summary>
    string FeatureColumnName { get; }

    /// <summary>A new differentiable view of the classifier, owned (and disposed) by the caller.</summary>
    /// <exception cref="NotSupportedException">The model is not a classifier (a regression network has no class probabilities).</exception>
    IDifferentiableClassifier CreateDifferentiableClassifier();
}
