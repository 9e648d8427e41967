namespace MLExtensions;

/// <summary>The column names ML.NET's trainers and evaluators use by default.</summary>
public static class ColumnNames
{
    /// <summary>The label column, <c>Label</c>.</summary>
    public const string Label = "Label";
    /// <summary>The feature vector column, <c>Features</c>.</summary>
    public const string Features = "Features";
    /// <summary>The raw score column, <c>Score</c>.</summary>
    public const string Score = "Score";
    /// <summary>The calibrated probability column of binary classifiers, <c>Probability</c>.</summary>
    public const string Probability = "Probability";
    /// <summary>The predicted label column, <c>PredictedLabel</c>.</summary>
    public const string PredictedLabel = "PredictedLabel";
}
