using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions.AutoML;

/// <summary>The rows of several data views with the same schema, one after the other (the refit's train + validation data).</summary>
internal sealed class ConcatenatedDataView : IDataView
{
    private readonly IDataView[] _sources;

    public ConcatenatedDataView(params IDataView[] sources)
    {
        if (sources.Length == 0)
        {
            throw new ArgumentException("At least one data view is needed.", nameof(sources));
        }

        _sources = sources;
        var schema = sources[0].Schema;
        for (int s = 1; s < sources.Length; s++)
        {
            var other = sources[s].Schema;
            foreach (var column in schema)
            {
                if (column.IsHidden)
                {
                    continue;
                }

                var match = other.GetColumnOrNull(column.Name);
                if (match is null || !match.Value.Type.Equals(column.Type))
                {
                    throw new ArgumentException(
                        $"Data view {s} has no column '{column.Name}' of type {column.Type} (found {(match is null ? "none" : match.Value.Type.ToString())}); the validation data must have the training data's schema.",
                        nameof(sources));
                }
            }
        }
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _sources[0].Schema;

    public long? GetRowCount()
    {
        long total = 0;
        foreach (var s in _sources)
        {
            if (s.GetRowCount() is not { } n)
            {
                return null;
            }

            total += n;
        }

        return total;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ConcatenatedDataView _parent;
        private readonly HashSet<int> _active;
        private int _source = -1;
        private DataViewRowCursor? _current;
        private long _position = -1;

        public Cursor(ConcatenatedDataView parent, HashSet<int> active)
        {
            _parent = parent;
            _active = active;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            string name = column.Name;
            int cachedSource = -1;
            ValueGetter<TValue>? inner = null;
            return (ref TValue value) =>
            {
                if (_current is null)
                {
                    throw new InvalidOperationException("The cursor is not on a row.");
                }

                if (cachedSource != _source)
                {
                    inner = _current.GetGetter<TValue>(_current.Schema[name]);
                    cachedSource = _source;
                }

                inner!(ref value);
            };
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool MoveNext()
        {
            while (true)
            {
                if (_current is not null && _current.MoveNext())
                {
                    _position++;
                    return true;
                }

                _current?.Dispose();
                _current = null;
                if (++_source >= _parent._sources.Length)
                {
                    return false;
                }

                var view = _parent._sources[_source];
                _current = view.GetRowCursor(_parent.Schema.Where(c => _active.Contains(c.Index) && !c.IsHidden).Select(c => view.Schema[c.Name]));
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
                _current = null;
            }

            base.Dispose(disposing);
        }
    }
}
