using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>Input row of the persisted output mappings: the ONNX graph's 1-D output.</summary>
public sealed class StackingOnnxRow
{
    /// <summary>The graph output (one value per row).</summary>
    [VectorType(1)]
    public float[] StackingOnnxOutput { get; set; } = [];
}
