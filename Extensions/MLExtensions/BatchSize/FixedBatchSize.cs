namespace MLExtensions;

/// <summary>The same batch size at every step (the trainers' default).</summary>
public sealed record FixedBatchSize : BatchSizePolicySpec
{
    /// <inheritdoc />
    public override void Validate()
    {
    }

    /// <inheritdoc />
    public override IBatchSizePolicy CreatePolicy(int initialBatchSize, int trainingRows)
    {
        CheckSizes(initialBatchSize, trainingRows);
        return new FixedBatchSizePolicy(Math.Min(initialBatchSize, trainingRows));
    }
}
