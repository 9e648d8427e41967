namespace MLExtensions;

/// <summary>
/// Base-model predictions as named columns (column-major): row i of every column belongs to the same example. For stacking these
/// are out-of-fold predictions, so that the meta-learner never sees a prediction made by a model trained on the same row.
/// </summary>
public sealed class PredictionMatrix
{
    /// <summary>Creates a matrix from named columns of equal length with finite values.</summary>
    /// <param name="names">One name per column (the base model), unique.</param>
    /// <param name="columns">The prediction columns.</param>
    public PredictionMatrix(IReadOnlyList<string> names, IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0)
        {
            throw new ArgumentException("At least one prediction column is required.", nameof(columns));
        }

        if (names.Count != columns.Count)
        {
            throw new ArgumentException($"{names.Count} names were given for {columns.Count} columns.", nameof(names));
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Column names must be unique.", nameof(names));
        }

        int rows = columns[0].Length;
        if (rows == 0)
        {
            throw new ArgumentException("The prediction columns have no rows.", nameof(columns));
        }

        for (int k = 0; k < columns.Count; k++)
        {
            if (columns[k].Length != rows)
            {
                throw new ArgumentException($"Column '{names[k]}' has {columns[k].Length} rows, expected {rows}.", nameof(columns));
            }

            foreach (var v in columns[k])
            {
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"Column '{names[k]}' contains a non-finite value ({v}); predictions must be finite.", nameof(columns));
                }
            }
        }

        Names = names.ToArray();
        Columns = columns.ToArray();
        Rows = rows;
    }

    /// <summary>The base-model names, one per column.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The prediction columns.</summary>
    public IReadOnlyList<double[]> Columns { get; }

    /// <summary>Number of rows (examples).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (base models).</summary>
    public int Count => Columns.Count;

    /// <summary>The values of one row.</summary>
    /// <param name="row">Row index.</param>
    /// <returns>One value per column.</returns>
    public double[] Row(int row)
    {
        var values = new double[Count];
        for (int k = 0; k < Count; k++)
        {
            values[k] = Columns[k][row];
        }

        return values;
    }

    /// <summary>The matrix restricted to some columns, in the given order.</summary>
    /// <param name="indices">Column indices.</param>
    /// <returns>A matrix sharing the column arrays.</returns>
    public PredictionMatrix Select(IReadOnlyList<int> indices) =>
        new(indices.Select(i => Names[i]).ToArray(), indices.Select(i => Columns[i]).ToArray());
}
