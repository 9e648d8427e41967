namespace MLExtensions;

/// <summary>How ARO scales its learning rate for an m×n matrix.</summary>
public enum AroLearningRateScaling
{
    /// <summary><c>η·0.2·√max(m, n)</c>, matching AdamW's update RMS (default).</summary>
    RmsNorm = 0,

    /// <summary><c>η·√(m/n)</c>.</summary>
    SpectralNorm = 1,
}
