namespace ReadmeSnippets;

/// <summary>What a binary model predicts for a <see cref="Customer"/>.</summary>
public sealed class ChurnPrediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}
