namespace MLExtensions;

// Row classes of the CustomMapping that scores a network inside ML.NET. Their column names and types are set at run time
// through SchemaDefinition (feature column name and size, class count, key values).

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
