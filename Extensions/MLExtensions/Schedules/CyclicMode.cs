namespace MLExtensions;

/// <summary>The amplitude policy of <see cref="CyclicSchedule"/> (PyTorch's <c>CyclicLR</c> modes).</summary>
public enum CyclicMode
{
    /// <summary>Every cycle reaches the peak.</summary>
    Triangular,

    /// <summary>The amplitude halves with every cycle.</summary>
    Triangular2,

    /// <summary>The amplitude is multiplied by Gamma^step.</summary>
    ExpRange,
}
