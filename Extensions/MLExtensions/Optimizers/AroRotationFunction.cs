namespace MLExtensions;

/// <summary>The row-wise map <c>f</c> ARO applies in the rotated basis.</summary>
public enum AroRotationFunction
{
    /// <summary>Sinkhorn normalization: alternately rows to norm √n and columns to norm √m (default).</summary>
    Sinkhorn = 0,

    /// <summary>Each row scaled to norm √n.</summary>
    RowNorm = 1,

    /// <summary>Elementwise sign.</summary>
    Sign = 2,
}
