namespace MLExtensions;

/// <summary>
/// How the learning rate follows the batch size (Granziol, Zohren and Roberts, D2): for a batch B and a reference batch B₀ the
/// optimizer's (and schedule's) rates are multiplied by (B/B₀) or √(B/B₀), with B capped at the training rows (see
/// <see cref="NeuralNetworkOptionsBase.ReferenceBatchSize"/>).
/// </summary>
public enum BatchSizeScaling
{
    /// <summary>No scaling (the default): the rates are used as given.</summary>
    None,

    /// <summary>η ∝ B: the rule for SGD-like optimizers.</summary>
    Linear,

    /// <summary>η ∝ √B: the rule for adaptive (Adam-like) optimizers.</summary>
    SquareRoot,

    /// <summary><see cref="Linear"/> for SGD-like optimizers, <see cref="SquareRoot"/> for Adam-like ones (<see cref="OptimizerFamily"/>).</summary>
    Auto,
}
