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

/// <summary>Input row of the stacking scoring mapping: the base predictions as one vector (column <see cref="StackingColumnNames.BasePredictions"/>).</summary>
public sealed class StackingMappingInput
{
    /// <summary>The base predictions, in the model's input order.</summary>
    [VectorType]
    public float[] StackingBasePredictions { get; set; } = [];
}

/// <summary>Output row of the regression stacking mapping.</summary>
public sealed class StackingRegressionOutput
{
    /// <summary>The stacked prediction.</summary>
    public float Score { get; set; }
}

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

/// <summary>An input row with no columns (used to borrow output schema shapes).</summary>
public sealed class StackingNoInput
{
}
