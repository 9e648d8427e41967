using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// A classifier whose log-probabilities are differentiable with respect to its input features: what the attacks
/// (<see cref="AdversarialAttack"/>) need. Our neural classifiers provide one through
/// <see cref="NeuralNetworkModelParameters.CreateDifferentiableClassifier"/>; the adaptive-smoothing composite implements it too.
/// </summary>
/// <remarks>The caller owns the instance and disposes it. Implementations compute in evaluation mode (no dropout, running batch-norm
/// statistics) and never write parameter gradients: attacks take gradients with respect to the features only.</remarks>
public interface IDifferentiableClassifier : IDisposable
{
    /// <summary>Features per row.</summary>
    int FeatureCount { get; }

    /// <summary>Number of classes; a binary classifier reports 2 (class 0 is the negative label, class 1 the positive one).</summary>
    int ClassCount { get; }

    /// <summary>The log-probabilities of every class.</summary>
    /// <param name="features">Float32 features, shape [n, <see cref="FeatureCount"/>], on the classifier's device.</param>
    /// <returns>Shape [n, <see cref="ClassCount"/>]; each row's exponentials sum to 1. Differentiable with respect to
    /// <paramref name="features"/>.</returns>
    Tensor LogProbabilities(Tensor features);
}
