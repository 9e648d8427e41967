namespace MLExtensions;

/// <summary>How <see cref="OneCycleSchedule"/> moves between two factors within a phase.</summary>
public enum AnnealKind
{
    /// <summary>Half a cosine from the start to the end value.</summary>
    Cosine,

    /// <summary>A straight line from the start to the end value.</summary>
    Linear,
}
