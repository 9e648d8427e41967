using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Output row of the regression stacking mapping.</summary>
public sealed class StackingRegressionOutput
{
    /// <summary>The stacked prediction.</summary>
    public float Score { get; set; }
}
