namespace MLExtensions;

/// <summary>How <see cref="ReduceOnPlateauSchedule.Threshold"/> decides what counts as an improvement (PyTorch's <c>threshold_mode</c>).</summary>
public enum PlateauThresholdMode
{
    /// <summary>Better than best × (1 ∓ threshold): PyTorch's <c>"rel"</c>.</summary>
    Relative,

    /// <summary>Better than best ∓ threshold: PyTorch's <c>"abs"</c>.</summary>
    Absolute,
}
