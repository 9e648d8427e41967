namespace MLExtensions;

/// <summary>
/// The feature columns of one block of rows, as <see cref="ShallowMlp"/>'s objective reads them: a column with more than one
/// non-zero in <see cref="SparseDensity"/> rows of the block is read densely; any other is read as its list of non-zeros (row
/// within the block, value), empty for a column that is all zero there.
/// </summary>
internal sealed class BlockColumns
{
    /// <summary>A column with at most one non-zero per this many rows of a block is read as a list: below that density a
    /// scattered product per non-zero costs less than a vectorized pass over the whole column.</summary>
    internal const int SparseDensity = 8;

    /// <summary>Per column: whether it is read densely.</summary>
    private readonly bool[] _dense;
    /// <summary>Column c's non-zeros are entries <c>_offsets[c]</c> to <c>_offsets[c + 1]</c> of <see cref="_rows"/> and <see cref="_values"/>
    /// (none for a dense column).</summary>
    private readonly int[] _offsets;
    private readonly int[] _rows;
    private readonly double[] _values;

    private BlockColumns(int[] active, bool[] dense, int[] offsets, int[] rows, double[] values)
    {
        Active = active;
        _dense = dense;
        _offsets = offsets;
        _rows = rows;
        _values = values;
    }

    /// <summary>The columns with a non-zero in this block, ascending: the only ones that add to a product.</summary>
    public int[] Active { get; }

    /// <summary>Whether column <paramref name="column"/> is read densely in this block.</summary>
    public bool IsDense(int column) => _dense[column];

    /// <summary>The rows within the block (ascending) of the non-zeros of a column that is not dense.</summary>
    public ReadOnlySpan<int> NonZeroRows(int column) => _rows.AsSpan(_offsets[column], _offsets[column + 1] - _offsets[column]);

    /// <summary>The values of those non-zeros, in the same order.</summary>
    public ReadOnlySpan<double> NonZeroValues(int column) => _values.AsSpan(_offsets[column], _offsets[column + 1] - _offsets[column]);

    /// <summary>The layout of every block of <paramref name="blockRows"/> rows of <paramref name="byColumn"/> ([D×n]).</summary>
    public static BlockColumns[] Of(double[] byColumn, int rows, int columns, int blockRows)
    {
        var blocks = new BlockColumns[(rows + blockRows - 1) / blockRows];
        for (int b = 0; b < blocks.Length; b++)
        {
            int first = b * blockRows, m = Math.Min(blockRows, rows - first);
            var dense = new bool[columns];
            var offsets = new int[columns + 1];
            var nonZeroRows = new List<int>();
            var values = new List<double>();
            var active = new List<int>(columns);
            for (int c = 0; c < columns; c++)
            {
                var column = byColumn.AsSpan(c * rows + first, m);
                int count = m - column.Count(0.0);
                dense[c] = count * SparseDensity > m;
                if (count > 0) active.Add(c);
                if (!dense[c])
                {
                    for (int r = 0; r < m; r++)
                    {
                        if (column[r] != 0)
                        {
                            nonZeroRows.Add(r);
                            values.Add(column[r]);
                        }
                    }
                }

                offsets[c + 1] = nonZeroRows.Count;
            }

            blocks[b] = new BlockColumns(active.ToArray(), dense, offsets, nonZeroRows.ToArray(), values.ToArray());
        }

        return blocks;
    }
}
