using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// A data view with a given schema and no rows: what ML.NET's stateless estimators (column copies, concatenation,
/// <c>ApplyOnnxModel</c>, <c>CustomMapping</c>) need to be fitted when only the schema matters, e.g. while converting a fitted
/// pipeline into a savable one (<see cref="ISavableConversion"/>).
/// </summary>
/// <param name="schema">The schema of the view.</param>
public sealed class EmptyDataView(DataViewSchema schema) : IDataView
{
    /// <inheritdoc/>
    public bool CanShuffle => true;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; } = schema ?? throw new ArgumentNullException(nameof(schema));

    /// <inheritdoc/>
    public long? GetRowCount() => 0;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(Schema);

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(Schema)];

    private sealed class Cursor(DataViewSchema schema) : DataViewRowCursor
    {
        public override DataViewSchema Schema { get; } = schema;

        public override long Position => -1;

        public override long Batch => 0;

        public override bool MoveNext() => false;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            (ref TValue value) => throw new InvalidOperationException("An empty data view has no rows to read.");

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => throw new InvalidOperationException("An empty data view has no rows to read.");

        public override bool IsColumnActive(DataViewSchema.Column column) => true;
    }
}
