using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.AutoML;

/// <summary>
/// A tree trainer whose <c>NumberOfLeaves</c> is capped at what its training rows allow: every leaf holds at least
/// <c>MinimumExampleCountPerLeaf</c> rows, so no tree can have more than rows / that many leaves, and the cap changes no tree.
/// It matters for memory: LightGBM sizes its buffers by <c>num_leaves</c>, so a sampled 30,000 leaves on 4,000 rows took 3 GB
/// for 100 six-class iterations (64 leaves: 0.1 GB) and a multiclass trial of the default space ran a 24 GB machine out of
/// memory. FLAML bounds the leaves by the data size for the same reason.
/// </summary>
internal sealed class LeafCappedTreeEstimator : IEstimator<ITransformer>
{
    private readonly Func<int, IEstimator<ITransformer>> _create;
    private readonly int _leaves;
    private readonly int _minimumPerLeaf;

    /// <param name="create">Builds the trainer with the given number of leaves.</param>
    /// <param name="leaves">The sampled number of leaves.</param>
    /// <param name="minimumPerLeaf">The sampled minimum rows per leaf.</param>
    internal LeafCappedTreeEstimator(Func<int, IEstimator<ITransformer>> create, int leaves, int minimumPerLeaf)
    {
        _create = create;
        _leaves = leaves;
        _minimumPerLeaf = Math.Max(1, minimumPerLeaf);
    }

    /// <summary>The leaves a trainer gets for <paramref name="rows"/> training rows: the sampled number, at most rows over the
    /// minimum per leaf, at least 2.</summary>
    internal int LeavesFor(long rows) => (int)Math.Max(2, Math.Min(_leaves, rows / _minimumPerLeaf));

    /// <inheritdoc />
    public ITransformer Fit(IDataView input)
    {
        long rows = input.GetRowCount() ?? CountRows(input);
        return _create(LeavesFor(rows)).Fit(input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _create(Math.Max(2, _leaves)).GetOutputSchema(inputSchema);

    private static long CountRows(IDataView input)
    {
        long count = 0;
        using var cursor = input.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }
}
