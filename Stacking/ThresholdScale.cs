
namespace MLExtensions;

/// <summary>How the MSE and variance thresholds are scaled.</summary>
public enum ThresholdScale
{
    /// <summary>Relative to the target variance (default): a threshold t means t·Var(y), so results do not depend on the unit of y.</summary>
    RelativeToTargetVariance,

    /// <summary>Absolute, in squared target units (the paper code's <c>tau_mse=0.01</c>, <c>tau_var=0.01</c>).</summary>
    Absolute,
}
