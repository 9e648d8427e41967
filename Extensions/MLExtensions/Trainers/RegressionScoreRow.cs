namespace MLExtensions;

// Row classes of the CustomMapping that scores a network inside ML.NET. Their column names and types are set at run time
// through SchemaDefinition (feature column name and size, class count, key values).

/// <summary>Output row of regression scoring.</summary>
internal sealed class RegressionScoreRow
{
    /// <summary>The predicted value.</summary>
    public float Score { get; set; }
}
