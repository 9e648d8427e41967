using System.Text.Json.Serialization;

namespace MLExtensions;

/// <summary>
/// How the batch size evolves during a run: an immutable, JSON-serializable record (discriminator <c>"kind"</c>). The trainers'
/// <see cref="NeuralNetworkOptionsBase.BatchSize"/> is the initial size; <see cref="CreatePolicy"/> makes the runtime policy the
/// training loop asks between optimizer steps.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(FixedBatchSize), "fixed")]
[JsonDerivedType(typeof(AdaptiveBatchSize), "adadagrad")]
public abstract record BatchSizePolicySpec
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid member.</summary>
    public abstract void Validate();

    /// <summary>Validates, then creates the per-run policy.</summary>
    /// <param name="initialBatchSize">The first step's batch size; at least 1.</param>
    /// <param name="trainingRows">Rows per epoch; at least 1. Batches never exceed it.</param>
    public abstract IBatchSizePolicy CreatePolicy(int initialBatchSize, int trainingRows);

    /// <summary>Throws unless both sizes are at least 1.</summary>
    private protected static void CheckSizes(int initialBatchSize, int trainingRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingRows, 1);
    }
}
