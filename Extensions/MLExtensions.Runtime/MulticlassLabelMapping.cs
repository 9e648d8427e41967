using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>
/// Stateless, saveable mapping from the ONNX predicted-class output of a multiclass classifier (a 1-element text vector per row) to a
/// scalar text column; ML.NET's own <c>MapValueToKey</c>, built with the class names in key order, then turns it into the
/// <c>PredictedLabel</c> key column.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class MulticlassLabelMapping : CustomMappingFactory<MulticlassLabelMapping.Input, MulticlassLabelMapping.Output>
{
    /// <summary>The contract name stored in saved models; changing it breaks models saved before.</summary>
    public const string ContractName = "MLExtensions.Runtime.MulticlassLabel.v1";

    /// <summary>The ONNX output column.</summary>
    public sealed class Input
    {
        /// <summary>The predicted class name, one element.</summary>
        [ColumnName(OnnxColumnNames.PredictedLabel), VectorType(1)]
        public string[] PredictedLabel { get; set; } = [];
    }

    /// <summary>The scalar class name.</summary>
    public sealed class Output
    {
        /// <summary>The predicted class name.</summary>
        [ColumnName(OnnxColumnNames.PredictedClassName)]
        public string PredictedClassName { get; set; } = "";
    }

    /// <summary>The mapping action: copies the single element.</summary>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.PredictedClassName = MappingChecks.Single(input.PredictedLabel, OnnxColumnNames.PredictedLabel);
    }

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}
