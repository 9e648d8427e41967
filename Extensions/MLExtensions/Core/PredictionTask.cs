namespace MLExtensions;

/// <summary>The ML.NET task a trained network serves; decides its loss, its output columns and its ONNX head.</summary>
public enum PredictionTask
{
    /// <summary>One logit; outputs <c>Score</c> (logit), <c>Probability</c> (sigmoid of the logit) and <c>PredictedLabel</c> (Probability &gt; 0.5).</summary>
    BinaryClassification,
    /// <summary>One logit per class; outputs <c>Score</c> (softmax probabilities, one per class) and <c>PredictedLabel</c> (key of the largest).</summary>
    MulticlassClassification,
    /// <summary>One value; outputs <c>Score</c>.</summary>
    Regression,
}
