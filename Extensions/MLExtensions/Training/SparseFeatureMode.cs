namespace MLExtensions;

/// <summary>How a neural trainer stores the feature vectors it trains on (<see cref="NeuralNetworkOptionsBase.SparseFeatures"/>).</summary>
public enum SparseFeatureMode
{
    /// <summary>Sparse when the feature column's first row is a sparse <c>VBuffer</c> and the packed rows' density (explicit values
    /// over rows × features) is at most <see cref="NeuralNetworkOptionsBase.SparseDensityThreshold"/>; dense otherwise.</summary>
    Auto = 0,

    /// <summary>Always dense: sparse rows are expanded (rows × features floats).</summary>
    Dense = 1,

    /// <summary>Always sparse (compressed rows; the first layer multiplies a sparse batch by its dense weights), also for dense rows.</summary>
    Sparse = 2,
}
