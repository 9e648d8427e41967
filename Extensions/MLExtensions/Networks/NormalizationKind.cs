namespace MLExtensions;

/// <summary>The normalization layer placed between each hidden linear layer and its activation.</summary>
public enum NormalizationKind
{
    /// <summary>No normalization.</summary>
    None,
    /// <summary>Batch normalization (running statistics at inference; epsilon 1e-5, momentum 0.1).</summary>
    BatchNorm,
    /// <summary>Layer normalization over the hidden units (epsilon 1e-5, with learned scale and shift).</summary>
    LayerNorm,
}
