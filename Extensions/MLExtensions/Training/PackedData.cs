namespace MLExtensions;

/// <summary>Rows of an <see cref="Microsoft.ML.IDataView"/> packed once into contiguous buffers, ready to become tensors.</summary>
/// <param name="Features">Row-major features, <c>RowCount * FeatureCount</c> values; empty when the rows are <see cref="Sparse"/>.</param>
/// <param name="Labels">One label per row: 0/1 for binary, the 0-based class index for multiclass, the target for regression.</param>
/// <param name="Weights">One weight per row, or <c>null</c> when every row weighs 1.</param>
/// <param name="RowCount">Number of rows.</param>
/// <param name="FeatureCount">Length of each feature vector.</param>
internal sealed record PackedData(float[] Features, float[] Labels, float[]? Weights, int RowCount, int FeatureCount)
{
    /// <summary>The features as compressed sparse rows instead of <see cref="Features"/>, or <c>null</c> for dense rows.</summary>
    public SparseRows? Sparse { get; init; }

    /// <summary>Bytes the packed features, labels and weights take.</summary>
    public long SizeInBytes => (Sparse?.SizeInBytes ?? (long)Features.Length * sizeof(float)) + (long)Labels.Length * sizeof(float) +
                               (Weights?.LongLength ?? 0) * sizeof(float);

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public PackedData Select(IReadOnlyList<int> indices)
    {
        var labels = new float[indices.Count];
        var weights = Weights is null ? null : new float[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int row = indices[i];
            labels[i] = Labels[row];
            if (weights is not null) weights[i] = Weights![row];
        }
        if (Sparse is { } sparse)
            return new PackedData([], labels, weights, indices.Count, FeatureCount) { Sparse = sparse.Select(indices) };

        var features = new float[(long)indices.Count * FeatureCount];
        for (int i = 0; i < indices.Count; i++)
            Array.Copy(Features, (long)indices[i] * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
        return new PackedData(features, labels, weights, indices.Count, FeatureCount);
    }

    /// <summary>These rows with dense features (a copy when they are sparse).</summary>
    /// <exception cref="ArgumentException">The dense rows would exceed the largest .NET array.</exception>
    public PackedData ToDense() => Sparse is { } sparse ? this with { Features = sparse.ToDense(FeatureCount), Sparse = null } : this;
}
