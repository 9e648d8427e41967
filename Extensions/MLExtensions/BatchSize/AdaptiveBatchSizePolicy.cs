namespace MLExtensions;

/// <summary>The runtime side of <see cref="AdaptiveBatchSize"/>: grows the batch when the step's test fails, never shrinks it.</summary>
internal sealed class AdaptiveBatchSizePolicy : IBatchSizePolicy
{
    private readonly AdaptiveBatchSize _spec;
    private readonly int _max;
    private int _current;

    /// <summary>Starts at <paramref name="initial"/> (at most <paramref name="max"/>).</summary>
    public AdaptiveBatchSizePolicy(AdaptiveBatchSize spec, int initial, int max)
    {
        _spec = spec;
        _max = max;
        _current = initial;
        InitialBatchSize = initial;
    }

    /// <inheritdoc />
    public int InitialBatchSize { get; }

    /// <inheritdoc />
    public bool IsFixed => false;

    /// <summary>Tests run so far, and how many of them failed (each failure may grow the batch).</summary>
    internal (int Run, int Failed) Tests { get; private set; }

    /// <summary>The largest batch this policy grows to.</summary>
    public int MaxBatchSize => _max;

    /// <inheritdoc />
    public bool NeedsStatistics(in TrainingStepContext context) => _current < _max && context.OptimizerStep % _spec.TestInterval == 0;

    /// <inheritdoc />
    public int NextBatchSize(in TrainingStepContext context, GradientNoiseStatistics? statistics)
    {
        if (statistics is { } s)
        {
            double required = _spec.RequiredBatchSize(s);
            // The test passes iff required <= the tested batch's size; only a failing test grows the batch.
            bool failed = required > context.BatchSize;
            Tests = (Tests.Run + 1, Tests.Failed + (failed ? 1 : 0));
            if (failed)
            {
                int grown = required >= _max ? _max : (int)Math.Ceiling(required);
                _current = Math.Max(_current, Math.Min(grown, _max));
            }
        }

        return _current;
    }
}
