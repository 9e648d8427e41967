using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>Column names used and produced by the stacking estimators, as ML.NET's evaluators expect them.</summary>
public static class StackingColumnNames
{
    /// <summary>The label column.</summary>
    public const string Label = "Label";

    /// <summary>The features column read by base estimators.</summary>
    public const string Features = "Features";

    /// <summary>The score column (regression prediction, or binary raw score).</summary>
    public const string Score = "Score";

    /// <summary>The binary probability column.</summary>
    public const string Probability = "Probability";

    /// <summary>The binary predicted label column.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The vector of base predictions the meta-model reads (written by the stacking transformer).</summary>
    public const string BasePredictions = "StackingBasePredictions";

    /// <summary>The copy of base model <paramref name="index"/>'s score in the base-estimator entry point.</summary>
    /// <param name="index">Base model index.</param>
    /// <returns>The column name.</returns>
    public static string BaseScore(int index) => "StackingBaseScore" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
