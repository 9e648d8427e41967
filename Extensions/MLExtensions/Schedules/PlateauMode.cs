namespace MLExtensions;

/// <summary>Whether <see cref="ReduceOnPlateauSchedule"/>'s metric improves by falling or by rising (PyTorch's <c>mode</c>).</summary>
public enum PlateauMode
{
    /// <summary>Smaller is better (a loss): PyTorch's <c>"min"</c>.</summary>
    Minimize,

    /// <summary>Larger is better (an accuracy): PyTorch's <c>"max"</c>.</summary>
    Maximize,
}
