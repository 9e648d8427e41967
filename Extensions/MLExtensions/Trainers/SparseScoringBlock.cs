using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// One block of sparse feature rows for batched scoring, gathered straight into the coordinate (COO) arrays the sparse first layer
/// reads: the batch row and the slot of every explicit value, and the values. The arrays grow as needed and are reused from block to
/// block; <see cref="ToCooTensor"/> hands them to LibTorch without a copy.
/// </summary>
internal sealed class SparseScoringBlock
{
    private long[] _rowStarts = new long[BatchScoringDataView.BatchRows + 1];
    private long[] _rowOfValue = new long[256];
    private long[] _slotOfValue = new long[256];
    private float[] _values = new float[256];

    /// <summary>Creates an empty block of rows with <paramref name="featureCount"/> slots.</summary>
    public SparseScoringBlock(int featureCount) => FeatureCount = featureCount;

    /// <summary>The number of slots of a row.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of rows appended since the last <see cref="Clear"/>.</summary>
    public int RowCount { get; private set; }

    /// <summary>The number of explicit values of those rows.</summary>
    public int ValueCount { get; private set; }

    /// <summary>Empties the block (keeps its arrays).</summary>
    public void Clear()
    {
        RowCount = 0;
        ValueCount = 0;
    }

    /// <summary>Appends <paramref name="row"/>'s explicit values (a dense row's non-zero ones, NaN included) as the next row.</summary>
    public void Append(VBuffer<float> row)
    {
        var values = row.GetValues();
        if (RowCount + 2 > _rowStarts.Length) Array.Resize(ref _rowStarts, 2 * _rowStarts.Length);
        if (row.IsDense)
        {
            for (int j = 0; j < values.Length; j++)
            {
                if (values[j] != 0) Add(j, values[j]);
            }
        }
        else
        {
            var indices = row.GetIndices();
            Reserve(values.Length);
            for (int k = 0; k < values.Length; k++) Add(indices[k], values[k]);
        }

        _rowStarts[++RowCount] = ValueCount;
    }

    /// <summary>The explicit values of row <paramref name="row"/> of the block.</summary>
    public ReadOnlySpan<float> RowValues(int row) =>
        _values.AsSpan((int)_rowStarts[row], (int)(_rowStarts[row + 1] - _rowStarts[row]));

    /// <summary>The block as a sparse COO tensor [<see cref="RowCount"/>, <see cref="FeatureCount"/>] on the CPU, in the caller's dispose
    /// scope. Its values and slots are this block's arrays (pinned while the tensor lives): it must be released before the next
    /// <see cref="Clear"/>.</summary>
    public Tensor ToCooTensor()
    {
        Tensor indices, values;
        if (ValueCount == 0)
        {
            indices = empty(2, 0, dtype: ScalarType.Int64);
            values = empty(0, dtype: ScalarType.Float32);
        }
        else
        {
            indices = stack([frombuffer(_rowOfValue, ScalarType.Int64, ValueCount), frombuffer(_slotOfValue, ScalarType.Int64, ValueCount)]);
            values = frombuffer(_values, ScalarType.Float32, ValueCount);
        }

        return sparse_coo_tensor(indices, values, [RowCount, FeatureCount]);
    }

    private void Add(int slot, float value)
    {
        Reserve(1);
        _rowOfValue[ValueCount] = RowCount;
        _slotOfValue[ValueCount] = slot;
        _values[ValueCount++] = value;
    }

    private void Reserve(int more)
    {
        if (ValueCount + more <= _values.Length) return;
        int capacity = Math.Max(2 * _values.Length, ValueCount + more);
        Array.Resize(ref _rowOfValue, capacity);
        Array.Resize(ref _slotOfValue, capacity);
        Array.Resize(ref _values, capacity);
    }
}
