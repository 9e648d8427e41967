using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>
/// The output of <see cref="NeuralNetworkPredictionTransformer.Transform"/>: the input's columns plus the score columns, where a
/// sequential cursor scores <see cref="BatchRows"/> rows with one forward pass instead of one pass per row.
/// </summary>
/// <remarks>
/// A second cursor over the input, with only the feature column active, reads ahead to fill each block; the main cursor serves
/// the input's own columns. Both are unshuffled cursors over the same data, so they see the same rows in the same order (a
/// shorter read-ahead is reported as an error, never skipped). Shuffled cursors fall back to the row-by-row mapping, whose
/// schema this view shares, so both paths produce the same columns and values. An input column is found through
/// <see cref="_inputIndex"/>, not by its position: when the input already has a column of a score column's name (a feature called
/// "Score", say), ML.NET places the new column right after the one it hides, so the input's later columns move up by one.
/// </remarks>
internal sealed class BatchScoringDataView : IDataView
{
    /// <summary>Rows scored per forward pass.</summary>
    internal const int BatchRows = 1024;

    private readonly IDataView _input;
    private readonly IDataView _rowByRow;
    private readonly string _featureColumn;
    private readonly PredictionTask _task;
    private readonly int _outputWidth;
    private readonly Action<float[], int, float[]> _forward;
    private readonly Action? _throwIfUnusable;
    private readonly Action<SparseScoringBlock, float[]>? _sparseForward;
    /// <summary>For each column of <see cref="Schema"/>: the index of the input column it passes through, or -1 for a score column.</summary>
    private readonly int[] _inputIndex;

    /// <param name="input">The data to score.</param>
    /// <param name="rowByRow">The row-by-row scoring of <paramref name="input"/>; gives the schema and serves shuffled cursors.</param>
    /// <param name="featureColumn">The feature vector column (already checked against the network's input size).</param>
    /// <param name="task">Which score columns the schema holds.</param>
    /// <param name="outputs">The network's output width (1, or the class count).</param>
    /// <param name="forward">Scores the first <c>rows</c> rows of a row-major block of feature rows (the block may be longer: it is
    /// reused from block to block) and writes their row-major network outputs to the start of the output buffer (also reused).</param>
    /// <param name="throwIfUnusable">Called before a cursor is opened; throws when the model behind the view was disposed.</param>
    /// <param name="sparseForward">Scores a block of sparse rows into the output buffer the same way; <c>null</c> scores sparse rows
    /// densely.</param>
    public BatchScoringDataView(IDataView input, IDataView rowByRow, string featureColumn, PredictionTask task, int outputs,
                                Action<float[], int, float[]> forward, Action? throwIfUnusable = null,
                                Action<SparseScoringBlock, float[]>? sparseForward = null)
    {
        _sparseForward = sparseForward;
        _throwIfUnusable = throwIfUnusable;
        _input = input;
        _rowByRow = rowByRow;
        _featureColumn = featureColumn;
        _task = task;
        _outputWidth = outputs;
        _forward = forward;
        _inputIndex = MapInputColumns(input.Schema, rowByRow.Schema, task);
    }

    /// <summary>The names of the columns the scorer adds for <paramref name="task"/>.</summary>
    private static string[] ScoreColumnNames(PredictionTask task) => task switch
    {
        PredictionTask.BinaryClassification => [ColumnNames.Score, ColumnNames.Probability, ColumnNames.PredictedLabel],
        PredictionTask.MulticlassClassification => [ColumnNames.Score, ColumnNames.PredictedLabel],
        _ => [ColumnNames.Score],
    };

    /// <summary>
    /// Pairs each output column with the input column it passes through: the added columns are the visible ones of the score names;
    /// every other output column is the next input column, in order.
    /// </summary>
    private static int[] MapInputColumns(DataViewSchema input, DataViewSchema output, PredictionTask task)
    {
        var added = new HashSet<int>(ScoreColumnNames(task).Select(name => output.GetColumnOrNull(name)?.Index ?? -1));
        var map = new int[output.Count];
        int next = 0;
        for (int i = 0; i < output.Count; i++)
        {
            if (added.Contains(i))
            {
                map[i] = -1;
                continue;
            }

            if (next >= input.Count || input[next].Name != output[i].Name || !input[next].Type.Equals(output[i].Type))
            {
                throw new InvalidOperationException(
                    $"The scored schema's column {i} ('{output[i].Name}') does not pass through an input column in order.");
            }

            map[i] = next++;
        }

        if (next != input.Count)
        {
            throw new InvalidOperationException($"The scored schema passes through {next} of the input's {input.Count} columns.");
        }

        return map;
    }

    /// <inheritdoc />
    public bool CanShuffle => _input.CanShuffle;

    /// <inheritdoc />
    public DataViewSchema Schema => _rowByRow.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => _input.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        _throwIfUnusable?.Invoke();
        var needed = columnsNeeded.ToArray();
        if (rand is not null || needed.All(c => _inputIndex[c.Index] >= 0))
        {
            return _rowByRow.GetRowCursor(needed, rand);
        }

        return new Cursor(this, needed);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Walks the input with a read-ahead cursor that fills one block of scores at a time.</summary>
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchScoringDataView _parent;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor _ahead;
        private readonly ValueGetter<VBuffer<float>> _features;
        private readonly bool[] _active;
        private readonly int _featureCount;
        /// <summary>The dense block, made when the first dense block is read (a wide sparse input never needs it); reused for every
        /// block (the forward pass reads it in place).</summary>
        private float[]? _block;
        /// <summary>The sparse block, made when the first sparse block is read; reused for every block.</summary>
        private SparseScoringBlock? _sparseBlock;
        private VBuffer<float> _row;
        /// <summary>The block's raw outputs, row-major, written in place by the forward pass and reused for every block; for
        /// multiclass, the class probabilities (softmax applied once per row, in place).</summary>
        private readonly float[] _blockOutputs;

        /// <summary>Multiclass: the 0-based most probable class of each row of the block, -1 for none (NaN probabilities).</summary>
        private int[] _bestClass = [];
        private int _rowsInBlock;
        private int _offset;

        public Cursor(BatchScoringDataView parent, DataViewSchema.Column[] needed)
        {
            _parent = parent;
            _active = new bool[parent.Schema.Count];
            foreach (var column in needed)
            {
                _active[column.Index] = true;
            }

            _main = parent._input.GetRowCursor(needed.Where(c => parent._inputIndex[c.Index] >= 0)
                .Select(c => parent._input.Schema[parent._inputIndex[c.Index]]));
            var featureColumn = parent._input.Schema[parent._featureColumn];
            _ahead = parent._input.GetRowCursor([featureColumn]);
            _features = _ahead.GetGetter<VBuffer<float>>(featureColumn);
            _featureCount = ((VectorDataViewType)featureColumn.Type).Size;
            _blockOutputs = new float[BatchRows * parent._outputWidth];
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _main.Position;

        public override long Batch => _main.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (!_main.MoveNext())
            {
                return false;
            }

            if (++_offset >= _rowsInBlock)
            {
                FillBlock();
            }

            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            }

            if (_parent._inputIndex[column.Index] is var source and >= 0)
            {
                return _main.GetGetter<TValue>(_parent._input.Schema[source]);
            }

            Delegate getter = (_parent._task, column.Name) switch
            {
                (PredictionTask.MulticlassClassification, "Score") => (ValueGetter<VBuffer<float>>)GetProbabilities,
                (PredictionTask.MulticlassClassification, "PredictedLabel") => (ValueGetter<uint>)GetPredictedKey,
                (PredictionTask.BinaryClassification, "Probability") => (ValueGetter<float>)GetProbability,
                (PredictionTask.BinaryClassification, "PredictedLabel") => (ValueGetter<bool>)GetPredictedBoolean,
                (_, "Score") => (ValueGetter<float>)GetScalarScore,
                _ => throw new InvalidOperationException($"Unknown score column '{column.Name}'."),
            };
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
                $"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _ahead.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Reads the next rows' features through the read-ahead cursor and scores them in one pass.</summary>
        /// <remarks>A block whose first row is a sparse vector is scored sparse (its rows gathered as compressed rows, one sparse × dense
        /// product in the first layer); otherwise dense.</remarks>
        private void FillBlock()
        {
            int rows = 0;
            bool sparse = false;
            while (rows < BatchRows && _ahead.MoveNext())
            {
                _features(ref _row);
                if (rows == 0 && !_row.IsDense && _parent._sparseForward is not null)
                {
                    sparse = true;
                    _sparseBlock ??= new SparseScoringBlock(_featureCount);
                    _sparseBlock.Clear();
                }

                if (sparse)
                {
                    _sparseBlock!.Append(_row);
                }
                else
                {
                    _block ??= new float[BatchRows * _featureCount];
                    _row.CopyTo(_block.AsSpan(rows * _featureCount, _featureCount));
                }

                rows++;
            }

            if (rows == 0)
            {
                throw new InvalidOperationException(
                    "The input data view returned fewer rows to a second cursor than to the first; batched scoring needs a view that " +
                    "can be read twice in the same order (cache it with mlContext.Data.Cache).");
            }

            if (sparse)
            {
                _parent._sparseForward!(_sparseBlock!, _blockOutputs);
            }
            else
            {
                _parent._forward(_block!, rows, _blockOutputs);
            }

            if (_parent._task == PredictionTask.MulticlassClassification)
            {
                // Score and PredictedLabel both need the probabilities: compute them once per row, in place.
                int classes = _parent._outputWidth;
                if (_bestClass.Length < rows)
                {
                    _bestClass = new int[BatchRows];
                }

                for (int r = 0; r < rows; r++)
                {
                    var row = _blockOutputs.AsSpan(r * classes, classes);
                    _bestClass[r] = ScoreMath.Softmax(row, row);
                }
            }

            _rowsInBlock = rows;
            _offset = 0;
        }

        private void GetScalarScore(ref float value) => value = _blockOutputs[_offset];

        private void GetProbability(ref float value) => value = ScoreMath.Sigmoid(_blockOutputs[_offset]);

        private void GetPredictedBoolean(ref bool value) => value = ScoreMath.Sigmoid(_blockOutputs[_offset]) > 0.5f;

        private void GetProbabilities(ref VBuffer<float> value)
        {
            int classes = _parent._outputWidth;
            var editor = VBufferEditor.Create(ref value, classes);
            _blockOutputs.AsSpan(_offset * classes, classes).CopyTo(editor.Values);
            value = editor.Commit();
        }

        // _bestClass is -1 for a row without a class (NaN probabilities): the missing key 0.
        private void GetPredictedKey(ref uint value) => value = unchecked((uint)(_bestClass[_offset] + 1));
    }
}
