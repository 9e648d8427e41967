
namespace MLExtensions;

/// <summary>How a <see cref="StackingModel"/> turns its components' linear outputs into a prediction.</summary>
public enum StackingLink
{
    /// <summary>Regression: the prediction is the weighted sum of the components' linear outputs.</summary>
    Identity,

    /// <summary>Binary classification: each component gives a probability σ(linear output); the probabilities are blended.</summary>
    Logistic,
}
