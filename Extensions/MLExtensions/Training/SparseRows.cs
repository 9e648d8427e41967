using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Feature rows in compressed sparse row (CSR) form: row <c>r</c>'s explicit values are
/// <c>Values[RowStarts[r]..RowStarts[r + 1]]</c> at the slots <c>Indices[...]</c>, ascending within the row.</summary>
/// <param name="RowStarts">Offset of each row's first value, one per row plus the end (<c>RowCount + 1</c> entries).</param>
/// <param name="Indices">The slot of each value.</param>
/// <param name="Values">The explicit values (zeros may be among them).</param>
internal sealed record SparseRows(long[] RowStarts, int[] Indices, float[] Values)
{
    /// <summary>Number of rows.</summary>
    public int RowCount => RowStarts.Length - 1;

    /// <summary>Number of explicit values.</summary>
    public long ValueCount => RowStarts[^1];

    /// <summary>Bytes the three arrays take.</summary>
    public long SizeInBytes => RowStarts.LongLength * sizeof(long) + Indices.LongLength * sizeof(int) + Values.LongLength * sizeof(float);

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public SparseRows Select(IReadOnlyList<int> rows)
    {
        var starts = new long[rows.Count + 1];
        for (int i = 0; i < rows.Count; i++) starts[i + 1] = starts[i] + RowStarts[rows[i] + 1] - RowStarts[rows[i]];
        var indices = new int[starts[^1]];
        var values = new float[starts[^1]];
        for (int i = 0; i < rows.Count; i++)
        {
            long from = RowStarts[rows[i]];
            int length = (int)(starts[i + 1] - starts[i]);
            Array.Copy(Indices, from, indices, starts[i], length);
            Array.Copy(Values, from, values, starts[i], length);
        }
        return new SparseRows(starts, indices, values);
    }

    /// <summary>The rows as a dense row-major array of <paramref name="featureCount"/> values per row.</summary>
    /// <exception cref="ArgumentException">The dense rows would exceed the largest .NET array.</exception>
    public float[] ToDense(int featureCount)
    {
        long size = (long)RowCount * featureCount;
        if (size > Array.MaxLength)
            throw new ArgumentException(
                $"{RowCount} rows × {featureCount} features ({size:N0} values) do not fit one dense array (at most {Array.MaxLength:N0}); " +
                "keep them sparse (SparseFeatures = Auto or Sparse).", nameof(NeuralNetworkOptionsBase.SparseFeatures));
        var dense = new float[size];
        for (int r = 0; r < RowCount; r++)
        {
            long offset = (long)r * featureCount;
            for (long k = RowStarts[r]; k < RowStarts[r + 1]; k++) dense[offset + Indices[k]] = Values[k];
        }
        return dense;
    }

    /// <summary>A sparse COO tensor [rows, <paramref name="featureCount"/>] of the rows <paramref name="rows"/> in that order (every row,
    /// in order, when <c>null</c>), made on <paramref name="device"/>; it belongs to the caller's dispose scope.</summary>
    public Tensor ToCooTensor(IReadOnlyList<long>? rows, int featureCount, Device device)
    {
        int count = rows?.Count ?? RowCount;
        long values = 0;
        for (int i = 0; i < count; i++)
        {
            long row = rows?[i] ?? i;
            values += RowStarts[row + 1] - RowStarts[row];
        }
        // indices is [2, values]: the batch row of each value, then its slot.
        var indices = new long[2 * values];
        var batchValues = new float[values];
        long k = 0;
        for (int i = 0; i < count; i++)
        {
            long row = rows?[i] ?? i;
            for (long j = RowStarts[row]; j < RowStarts[row + 1]; j++, k++)
            {
                indices[k] = i;
                indices[values + k] = Indices[j];
                batchValues[k] = Values[j];
            }
        }
        using var indexTensor = torch.tensor(indices, new long[] { 2, values }, device: device);
        using var valueTensor = torch.tensor(batchValues, device: device);
        return torch.sparse_coo_tensor(indexTensor, valueTensor, [count, featureCount], device: device);
    }
}
