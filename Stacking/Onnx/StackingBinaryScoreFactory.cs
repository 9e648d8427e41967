using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>Turns the ONNX probability into <c>Score</c> (logit), <c>Probability</c> and <c>PredictedLabel</c>.</summary>
[CustomMappingFactoryAttribute(StackingPersistence.BinaryContract)]
public sealed class StackingBinaryScoreFactory : CustomMappingFactory<StackingOnnxRow, StackingBinaryOutput>
{
    /// <inheritdoc/>
    public override Action<StackingOnnxRow, StackingBinaryOutput> GetMapping() => (input, output) =>
    {
        double p = Math.Clamp(input.StackingOnnxOutput[0], 1e-15, 1 - 1e-15);
        output.Probability = (float)p;
        output.Score = (float)Math.Log(p / (1 - p));
        output.PredictedLabel = p >= 0.5;
    };
}
