using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>
/// Stateless, saveable mapping from the ONNX regression output (a 1-element vector per row) to ML.NET's scalar <c>Score</c> column.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class RegressionScoreMapping : CustomMappingFactory<RegressionScoreMapping.Input, RegressionScoreMapping.Output>
{
    /// <summary>The contract name stored in saved models; changing it breaks models saved before.</summary>
    public const string ContractName = "MLExtensions.Runtime.RegressionScore.v1";

    /// <summary>The ONNX output column.</summary>
    public sealed class Input
    {
        /// <summary>The predicted value, one element.</summary>
        [ColumnName(OnnxColumnNames.Score), VectorType(1)]
        public float[] Score { get; set; } = [];
    }

    /// <summary>The ML.NET regression output column.</summary>
    public sealed class Output
    {
        /// <summary>The predicted value.</summary>
        public float Score { get; set; }
    }

    /// <summary>The mapping action: copies the single element.</summary>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Score = MappingChecks.Single(input.Score, OnnxColumnNames.Score);
    }

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}
