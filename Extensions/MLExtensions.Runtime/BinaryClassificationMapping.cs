using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>
/// Stateless, saveable mapping from the three ONNX outputs of a binary classifier (1-element vectors per row) to ML.NET's scalar
/// <c>Score</c> (logit), <c>Probability</c> and <c>PredictedLabel</c> columns.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class BinaryClassificationMapping : CustomMappingFactory<BinaryClassificationMapping.Input, BinaryClassificationMapping.Output>
{
    /// <summary>The contract name stored in saved models; changing it breaks models saved before.</summary>
    public const string ContractName = "MLExtensions.Runtime.BinaryClassification.v1";

    /// <summary>The ONNX output columns.</summary>
    public sealed class Input
    {
        /// <summary>The logit, one element.</summary>
        [ColumnName(OnnxColumnNames.Score), VectorType(1)]
        public float[] Score { get; set; } = [];

        /// <summary>The probability of the positive class, one element.</summary>
        [ColumnName(OnnxColumnNames.Probability), VectorType(1)]
        public float[] Probability { get; set; } = [];

        /// <summary>The predicted class, one element.</summary>
        [ColumnName(OnnxColumnNames.PredictedLabel), VectorType(1)]
        public bool[] PredictedLabel { get; set; } = [];
    }

    /// <summary>The ML.NET binary classification output columns.</summary>
    public sealed class Output
    {
        /// <summary>The logit (raw score).</summary>
        public float Score { get; set; }

        /// <summary>The probability of the positive class.</summary>
        public float Probability { get; set; }

        /// <summary>The predicted class.</summary>
        public bool PredictedLabel { get; set; }
    }

    /// <summary>The mapping action: copies the single element of each column.</summary>
    public static void Map(Input input, Output output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Score = MappingChecks.Single(input.Score, OnnxColumnNames.Score);
        output.Probability = MappingChecks.Single(input.Probability, OnnxColumnNames.Probability);
        output.PredictedLabel = MappingChecks.Single(input.PredictedLabel, OnnxColumnNames.PredictedLabel);
    }

    /// <inheritdoc />
    public override Action<Input, Output> GetMapping() => Map;
}
