namespace MLExtensions;

// Row classes of the CustomMapping that scores a network inside ML.NET. Their column names and types are set at run time
// through SchemaDefinition (feature column name and size, class count, key values).

/// <summary>Output row of multiclass scoring.</summary>
internal sealed class MulticlassScoreRow
{
    /// <summary>Softmax probability of each class, in key order.</summary>
    public float[] Score { get; set; } = [];
    /// <summary>0-based index of the most probable class (the key column ML.NET writes is this plus 1).</summary>
    public uint PredictedLabel { get; set; }
}
