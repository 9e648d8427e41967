using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>Training rows read from the data view once per epoch, in chunks, instead of packed (used when packing them would exceed
/// <see cref="NeuralNetworkOptionsBase.MemoryBudgetBytes"/>).</summary>
/// <remarks>The epoch's order is chunk-local: the rows are read in the view's own order, <see cref="ChunkRows"/> at a time, and each
/// chunk is permuted with the run's generator; batches are consecutive stretches of that order. With one chunk holding every row,
/// this is the in-memory order exactly.</remarks>
internal sealed class StreamedTrainingRows : TrainingRows
{
    private readonly float[] _labels;

    /// <param name="data">The rows (read with unshuffled cursors, which must give the same rows in the same order each time).</param>
    /// <param name="task">Decides the label's type.</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="weightColumn">The example-weight column, or <c>null</c>.</param>
    /// <param name="featureCount">The feature vector's length.</param>
    /// <param name="classCount">The label key's count for multiclass.</param>
    /// <param name="heldOut">Per row of the view, whether it was held out for validation (skipped here), or <c>null</c>.</param>
    /// <param name="labels">The training rows' labels, in the view's order.</param>
    /// <param name="chunkRows">Rows per chunk.</param>
    /// <param name="sparse">How each chunk's features are stored (<see cref="SparseFeatureMode.Auto"/>: sparse when the chunk's first row is).</param>
    public StreamedTrainingRows(IDataView data, PredictionTask task, string featureColumn, string labelColumn, string? weightColumn,
                                int featureCount, int classCount, bool[]? heldOut, float[] labels, int chunkRows, SparseFeatureMode sparse)
    {
        Data = data;
        Task = task;
        FeatureColumn = featureColumn;
        LabelColumn = labelColumn;
        WeightColumn = weightColumn;
        FeatureCount = featureCount;
        ClassCount = classCount;
        HeldOut = heldOut;
        _labels = labels;
        ChunkRows = Math.Max(1, chunkRows);
        Sparse = sparse;
    }

    /// <summary>The view the rows are read from.</summary>
    public IDataView Data { get; }

    /// <summary>The task, which decides the label's type.</summary>
    public PredictionTask Task { get; }

    /// <summary>The feature vector column.</summary>
    public string FeatureColumn { get; }

    /// <summary>The label column.</summary>
    public string LabelColumn { get; }

    /// <summary>The example-weight column, or <c>null</c>.</summary>
    public string? WeightColumn { get; }

    /// <summary>The label key's count for multiclass.</summary>
    public int ClassCount { get; }

    /// <summary>Per row of the view, whether it is held out for validation, or <c>null</c>.</summary>
    public bool[]? HeldOut { get; }

    /// <summary>Rows per chunk.</summary>
    public int ChunkRows { get; }

    /// <summary>How each chunk's features are stored.</summary>
    public SparseFeatureMode Sparse { get; }

    /// <inheritdoc />
    public override int RowCount => _labels.Length;

    /// <inheritdoc />
    public override int FeatureCount { get; }

    /// <inheritdoc />
    public override IReadOnlyList<float> Labels => _labels;

    /// <inheritdoc />
    public override BatchSource Open(PredictionTask task, double labelMean, double labelScale, Device device) =>
        new StreamedBatchSource(this, labelMean, labelScale, device);
}
