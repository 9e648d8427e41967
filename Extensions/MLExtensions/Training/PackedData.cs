namespace MLExtensions;

/// <summary>Rows of an <see cref="Microsoft.ML.IDataView"/> packed once into contiguous buffers, ready to become tensors.</summary>
/// <param name="Features">Row-major features, <c>RowCount * FeatureCount</c> values.</param>
/// <param name="Labels">One label per row: 0/1 for binary, the 0-based class index for multiclass, the target for regression.</param>
/// <param name="Weights">One weight per row, or <c>null</c> when every row weighs 1.</param>
/// <param name="RowCount">Number of rows.</param>
/// <param name="FeatureCount">Length of each feature vector.</param>
internal sealed record PackedData(float[] Features, float[] Labels, float[]? Weights, int RowCount, int FeatureCount)
{
    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public PackedData Select(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * FeatureCount];
        var labels = new float[indices.Count];
        var weights = Weights is null ? null : new float[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int row = indices[i];
            Array.Copy(Features, (long)row * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
            labels[i] = Labels[row];
            if (weights is not null) weights[i] = Weights![row];
        }
        return new PackedData(features, labels, weights, indices.Count, FeatureCount);
    }
}
