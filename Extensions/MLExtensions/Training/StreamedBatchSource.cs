using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Batches streamed from the data view: each epoch opens a cursor, reads <see cref="StreamedTrainingRows.ChunkRows"/> training
/// rows at a time, permutes each chunk with the run's generator and serves batches from the chunks in turn (a batch may span the end
/// of one chunk and the start of the next). At most two chunks are held at once.</summary>
internal sealed class StreamedBatchSource : BatchSource
{
    private readonly StreamedTrainingRows _rows;
    private readonly double _labelMean;
    private readonly double _labelScale;
    private readonly Device _device;
    private readonly List<Segment> _segments = [];
    private PackingCursor? _cursor;
    private Generator? _generator;
    private long _sourceRow;
    private int _loadedEnd;
    private VBuffer<float> _buffer;

    /// <summary>The dense feature array of a full chunk, reused for every full chunk of the run: the tensors copy it
    /// (<c>torch.tensor</c> copies its array), so the array is free again once a chunk's tensors exist. Without the reuse every chunk
    /// left a large-object-heap array behind, which the GC collects only when it must, and the streamed fit's peak memory grew like
    /// the in-memory fit's.</summary>
    private float[]? _denseChunk;

    /// <param name="rows">What to stream.</param>
    /// <param name="labelMean">Subtracted from regression targets.</param>
    /// <param name="labelScale">Divides regression targets.</param>
    /// <param name="device">Where the batches are made.</param>
    public StreamedBatchSource(StreamedTrainingRows rows, double labelMean, double labelScale, Device device)
    {
        _rows = rows;
        _labelMean = labelMean;
        _labelScale = labelScale;
        _device = device;
    }

    /// <inheritdoc />
    public override int RowCount => _rows.RowCount;

    /// <inheritdoc />
    public override void BeginEpoch(Generator generator)
    {
        EndEpoch();
        _generator = generator;
        _cursor = new PackingCursor(_rows.Data, _rows.Task, _rows.FeatureColumn, _rows.LabelColumn, _rows.WeightColumn, _rows.FeatureCount,
            _rows.ClassCount, optionName: null);
        _sourceRow = 0;
        _loadedEnd = 0;
    }

    /// <inheritdoc />
    public override (Tensor Features, Tensor Labels, Tensor? Weights) Take(int start, int count)
    {
        while (_loadedEnd < start + count) LoadChunk();
        while (_segments.Count > 0 && _segments[0].End <= start)
        {
            _segments[0].Dispose();
            _segments.RemoveAt(0);
        }

        var picks = new List<(Segment, Tensor)>();
        foreach (var segment in _segments)
        {
            int from = Math.Max(start, segment.Start), to = Math.Min(start + count, segment.End);
            if (from < to) picks.Add((segment, segment.Permutation.narrow(0, from - segment.Start, to - from)));
        }
        return Gather(picks);
    }

    /// <inheritdoc />
    /// <remarks>The pool is the rows in memory after the step's <see cref="Take"/>: the chunk (or the two chunks) that hold the step's
    /// batch, all of their rows, not only those still to come in the epoch. The rows are then gathered chunk by chunk (in the drawn
    /// order within each chunk). With one chunk holding every row this is <see cref="PackedBatchSource.TakeIndependent"/> exactly.</remarks>
    public override (Tensor Features, Tensor Labels, Tensor? Weights) TakeIndependent(int start, int count, Generator generator)
    {
        if (_segments.Count == 0 || _segments[0].Start > start || _loadedEnd < start + count)
            throw new InvalidOperationException("TakeIndependent needs the step's own batch to be taken first.");
        int poolStart = _segments[0].Start;
        var positions = IndependentPositions(_loadedEnd - poolStart, start - poolStart, count, generator, _device);
        var picks = new List<(Segment, Tensor)>();
        foreach (var segment in _segments)
        {
            var local = positions.Select(p => p + poolStart).Where(p => p >= segment.Start && p < segment.End).Select(p => p - segment.Start).ToArray();
            if (local.Length > 0) picks.Add((segment, segment.Permutation.index_select(0, torch.tensor(local, device: _device))));
        }
        return Gather(picks);
    }

    /// <summary>The rows at each segment's positions (indices into its packed rows), segment after segment, as one batch.</summary>
    private static (Tensor Features, Tensor Labels, Tensor? Weights) Gather(List<(Segment Segment, Tensor Index)> picks)
    {
        var features = new List<Tensor>();
        var labels = new List<Tensor>();
        var weights = new List<Tensor>();
        foreach (var (segment, index) in picks)
        {
            features.Add(segment.Tensors.SelectFeatures(index));
            labels.Add(segment.Tensors.Labels.index_select(0, index));
            if (segment.Tensors.Weights is { } w) weights.Add(w.index_select(0, index));
        }
        if (features.Count == 1) return (features[0], labels[0], weights.Count > 0 ? weights[0] : null);
        return (torch.cat(features, 0), torch.cat(labels, 0), weights.Count > 0 ? torch.cat(weights, 0) : null);
    }

    /// <inheritdoc />
    public override void EndEpoch()
    {
        foreach (var segment in _segments) segment.Dispose();
        _segments.Clear();
        _cursor?.Dispose();
        _cursor = null;
    }

    /// <inheritdoc />
    public override void Dispose() => EndEpoch();

    /// <summary>Reads the next chunk of training rows, packs it, and permutes it with the run's generator.</summary>
    /// <exception cref="InvalidOperationException">The view gave fewer rows than when the fit counted them.</exception>
    private void LoadChunk()
    {
        int rows = Math.Min(_rows.ChunkRows, _rows.RowCount - _loadedEnd);
        if (rows <= 0)
            throw new InvalidOperationException($"The training loop asked for rows beyond the {_rows.RowCount} training rows.");
        var chunk = ReadChunk(rows);
        var tensors = TrainingTensors.Create(chunk, _rows.Task, _labelMean, _labelScale, _device);
        Tensor? permutation = null;
        try
        {
            permutation = torch.randperm(rows, generator: _generator, device: _device).DetachFromDisposeScope();
            _segments.Add(new Segment(tensors, permutation, _loadedEnd, _loadedEnd + rows));
        }
        catch
        {
            tensors.Dispose();
            permutation?.Dispose();
            throw;
        }
        _loadedEnd += rows;
    }

    private PackedData ReadChunk(int rows)
    {
        var cursor = _cursor!;
        int featureCount = _rows.FeatureCount;
        var labels = new float[rows];
        float[]? weights = _rows.WeightColumn is null ? null : new float[rows];
        float[]? dense = null;
        long[]? starts = null;
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows;)
        {
            if (!cursor.MoveNext())
                throw new InvalidOperationException(
                    $"The training data gave fewer rows in a later pass than the {_rows.RowCount} training rows counted first; streamed training " +
                    "needs a view that gives the same rows each time (cache or save it).");
            long source = _sourceRow++;
            if (_rows.HeldOut is { } held && source < held.Length && held[source]) continue;
            cursor.ReadFeatures(ref _buffer, source);
            (labels[r], float weight) = cursor.ReadLabelAndWeight(source);
            if (weights is not null) weights[r] = weight;
            if (dense is null && starts is null)
            {
                bool sparse = _rows.Sparse == SparseFeatureMode.Sparse || (_rows.Sparse == SparseFeatureMode.Auto && !_buffer.IsDense);
                if (sparse) starts = new long[rows + 1];
                else dense = DenseChunk(rows, featureCount);
            }
            if (dense is not null)
            {
                _buffer.CopyTo(dense.AsSpan(r * featureCount, featureCount));
            }
            else
            {
                var rowValues = _buffer.GetValues();
                if (_buffer.IsDense)
                {
                    for (int j = 0; j < rowValues.Length; j++)
                    {
                        if (rowValues[j] == 0) continue;
                        indices.Add(j);
                        values.Add(rowValues[j]);
                    }
                }
                else
                {
                    indices.AddRange(_buffer.GetIndices());
                    values.AddRange(rowValues);
                }
                starts![r + 1] = values.Count;
            }
            r++;
        }
        return dense is not null
            ? new PackedData(dense, labels, weights, rows, featureCount)
            : new PackedData([], labels, weights, rows, featureCount) { Sparse = new SparseRows(starts!, indices.ToArray(), values.ToArray()) };
    }

    /// <summary>An array for <paramref name="rows"/> dense rows: the reused one for a full chunk, a new one for the shorter last chunk.</summary>
    private float[] DenseChunk(int rows, int featureCount)
    {
        long length = (long)rows * featureCount;
        if (rows != _rows.ChunkRows) return new float[length];
        return _denseChunk ??= new float[length];
    }

    /// <summary>One packed chunk: its tensors, its permutation, and its place [Start, End) in the epoch's order.</summary>
    private sealed record Segment(TrainingTensors Tensors, Tensor Permutation, int Start, int End) : IDisposable
    {
        public void Dispose()
        {
            Tensors.Dispose();
            Permutation.Dispose();
        }
    }
}
