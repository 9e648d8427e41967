namespace MLExtensions;

/// <summary>
/// The per-run side of a <see cref="BatchSizePolicySpec"/>: after each optimizer step the loop asks it for the next step's batch
/// size, passing per-sample gradient statistics of the step when <see cref="NeedsStatistics"/> asked for them.
/// </summary>
public interface IBatchSizePolicy
{
    /// <summary>The first step's batch size.</summary>
    int InitialBatchSize { get; }

    /// <summary>Whether the batch size never changes (the loop then keeps its fixed-batch arithmetic).</summary>
    bool IsFixed { get; }

    /// <summary>Whether the policy needs <see cref="GradientNoiseStatistics"/> of the step described by <paramref name="context"/>
    /// (the loop computes them only then, after the backward pass).</summary>
    bool NeedsStatistics(in TrainingStepContext context);

    /// <summary>The batch size of the step after the one described by <paramref name="context"/>.</summary>
    /// <param name="context">The step just taken.</param>
    /// <param name="statistics">That step's statistics when <see cref="NeedsStatistics"/> returned true, else <c>null</c>.</param>
    int NextBatchSize(in TrainingStepContext context, GradientNoiseStatistics? statistics);
}
