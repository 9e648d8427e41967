using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLExtensions;

/// <summary>Turns the ONNX output into the regression <c>Score</c> (a stateless mapping ML.NET can save and load).</summary>
[CustomMappingFactoryAttribute(StackingPersistence.RegressionContract)]
public sealed class StackingRegressionScoreFactory : CustomMappingFactory<StackingOnnxRow, StackingRegressionOutput>
{
    /// <inheritdoc/>
    public override Action<StackingOnnxRow, StackingRegressionOutput> GetMapping() => (input, output) => output.Score = input.StackingOnnxOutput[0];
}
