using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Input row of the stacking scoring mapping: the base predictions as one vector (column <see cref="StackingColumnNames.BasePredictions"/>).</summary>
public sealed class StackingMappingInput
{
    /// <summary>The base predictions, in the model's input order.</summary>
    [VectorType]
    public float[] StackingBasePredictions { get; set; } = [];
}
