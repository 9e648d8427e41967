namespace MLExtensions;

/// <summary>The runtime side of <see cref="FixedBatchSize"/>.</summary>
internal sealed class FixedBatchSizePolicy(int batchSize) : IBatchSizePolicy
{
    /// <inheritdoc />
    public int InitialBatchSize => batchSize;

    /// <inheritdoc />
    public bool IsFixed => true;

    /// <inheritdoc />
    public bool NeedsStatistics(in TrainingStepContext context) => false;

    /// <inheritdoc />
    public int NextBatchSize(in TrainingStepContext context, GradientNoiseStatistics? statistics) => batchSize;
}
