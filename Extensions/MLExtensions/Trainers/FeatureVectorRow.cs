using Microsoft.ML.Data;

namespace MLExtensions;

// Row classes of the CustomMapping that scores a network inside ML.NET. Their column names and types are set at run time
// through SchemaDefinition (feature column name and size, class count, key values).

/// <summary>Input row of the scoring mapping: the feature vector.</summary>
internal sealed class FeatureVectorRow
{
    /// <summary>The features (column name set at run time), dense or sparse as the input holds them.</summary>
    public VBuffer<float> Features { get; set; }
}
