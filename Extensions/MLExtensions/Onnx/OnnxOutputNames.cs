namespace MLExtensions;

/// <summary>
/// Output names of ONNX models exported by MLExtensions, named like ML.NET's own columns. Every output is 1-D with one element
/// per row (<c>[N]</c>), except the multiclass <see cref="Score"/>, which is <c>[N, classes]</c>.
/// </summary>
public static class OnnxOutputNames
{
    /// <summary>
    /// float. Regression: the predicted value. Binary classification: the logit. Multiclass: the softmax probabilities, <c>[N, classes]</c>.
    /// </summary>
    public const string Score = "Score";

    /// <summary>float, binary classification only: sigmoid of the logit.</summary>
    public const string Probability = "Probability";

    /// <summary>
    /// Binary classification: bool, <c>Probability &gt; 0.5</c>. Multiclass: string, the name of the class with the largest score.
    /// </summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>int64, multiclass only: the zero-based index of the class with the largest score.</summary>
    public const string PredictedIndex = "PredictedIndex";
}
