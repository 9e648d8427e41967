namespace MLExtensions;

/// <summary>The learning-rate multipliers of <see cref="BatchSizeScaling"/> (Granziol, Zohren and Roberts, D2).</summary>
public static class BatchSizeScalingRule
{
    /// <summary>
    /// The multiplier of the base learning rate at batch size <paramref name="batchSize"/> for a rate tuned at
    /// <paramref name="referenceBatchSize"/>: (B/B₀) for <see cref="BatchSizeScaling.Linear"/>, √(B/B₀) for
    /// <see cref="BatchSizeScaling.SquareRoot"/>, 1 for <see cref="BatchSizeScaling.None"/>. Both sizes are first capped at
    /// <paramref name="trainingRows"/>: the rule comes from the batch Hessian's spectrum widening with the sampling noise, which
    /// vanishes at the full batch, so a batch beyond the data set (or a reference beyond it) earns no further change.
    /// </summary>
    /// <param name="scaling">The rule; <see cref="BatchSizeScaling.Auto"/> must be resolved first (<see cref="Resolve"/>).</param>
    /// <param name="batchSize">The batch size used; at least 1.</param>
    /// <param name="referenceBatchSize">The batch size the rate was tuned for; at least 1.</param>
    /// <param name="trainingRows">Rows per epoch (the full batch); at least 1.</param>
    public static double Factor(BatchSizeScaling scaling, int batchSize, int referenceBatchSize, int trainingRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingRows, 1);
        double ratio = (double)Math.Min(batchSize, trainingRows) / Math.Min(referenceBatchSize, trainingRows);
        return scaling switch
        {
            BatchSizeScaling.None => 1.0,
            BatchSizeScaling.Linear => ratio,
            BatchSizeScaling.SquareRoot => Math.Sqrt(ratio),
            BatchSizeScaling.Auto => throw new ArgumentException("Resolve BatchSizeScaling.Auto for the optimizer first (BatchSizeScalingRule.Resolve).", nameof(scaling)),
            _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, $"Allowed: {string.Join(", ", Enum.GetNames<BatchSizeScaling>())}."),
        };
    }

    /// <summary>Resolves <see cref="BatchSizeScaling.Auto"/> to the rule of <paramref name="optimizer"/>'s family; other values stay.</summary>
    public static BatchSizeScaling Resolve(BatchSizeScaling scaling, OptimizerSpec optimizer) =>
        scaling != BatchSizeScaling.Auto ? scaling
        : OptimizerFamilies.Of(optimizer) == OptimizerFamily.SgdLike ? BatchSizeScaling.Linear : BatchSizeScaling.SquareRoot;
}
