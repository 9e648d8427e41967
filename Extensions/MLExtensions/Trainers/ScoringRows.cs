namespace MLExtensions;

// Row classes of the CustomMapping that scores a network inside ML.NET. Their column names and types are set at run time
// through SchemaDefinition (feature column name and size, class count, key values).

/// <summary>Input row of the scoring mapping: the feature vector.</summary>
internal sealed class FeatureVectorRow
{
    /// <summary>The features (column name set at run time).</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>Output row of binary scoring.</summary>
internal sealed class BinaryScoreRow
{
    /// <summary>The logit.</summary>
    public float Score { get; set; }
    /// <summary>Sigmoid of the logit, clamped to [1e-7, 1 − 1e-7].</summary>
    public float Probability { get; set; }
    /// <summary>Whether <see cref="Probability"/> exceeds 0.5.</summary>
    public bool PredictedLabel { get; set; }
}

/// <summary>Output row of multiclass scoring.</summary>
internal sealed class MulticlassScoreRow
{
    /// <summary>Softmax probability of each class, in key order.</summary>
    public float[] Score { get; set; } = [];
    /// <summary>0-based index of the most probable class (the key column ML.NET writes is this plus 1).</summary>
    public uint PredictedLabel { get; set; }
}

/// <summary>Output row of regression scoring.</summary>
internal sealed class RegressionScoreRow
{
    /// <summary>The predicted value.</summary>
    public float Score { get; set; }
}
