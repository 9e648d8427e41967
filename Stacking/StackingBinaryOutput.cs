using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Output row of the binary stacking mapping.</summary>
public sealed class StackingBinaryOutput
{
    /// <summary>The raw score: the logit of <see cref="Probability"/>.</summary>
    public float Score { get; set; }

    /// <summary>The blended probability of the positive class.</summary>
    public float Probability { get; set; }

    /// <summary>Whether <see cref="Probability"/> is at least 0.5.</summary>
    public bool PredictedLabel { get; set; }
}
