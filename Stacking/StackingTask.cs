using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLExtensions;

/// <summary>The machine-learning task of a stacking estimator.</summary>
public enum StackingTask
{
    /// <summary>Regression: output column <c>Score</c>.</summary>
    Regression,

    /// <summary>Binary classification: output columns <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>.</summary>
    BinaryClassification,
}
