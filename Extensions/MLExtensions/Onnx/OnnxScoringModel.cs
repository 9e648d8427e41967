using MLExtensions.Networks;
using MLExtensions.Trainers;

namespace MLExtensions.Onnx;

/// <summary>
/// What an <see cref="IOnnxConvertibleTransformer"/> hands to the conversion: an ONNX model in the format of <see cref="MlpOnnxExporter"/>
/// and the facts needed to connect it to an ML.NET pipeline.
/// </summary>
/// <remarks>
/// The ONNX model must have exactly one graph input: float <c>[N, FeatureSize]</c> (any name; the conversion renames it to
/// <see cref="FeatureColumnName"/>), and the outputs <see cref="OnnxOutputNames"/> lists for <see cref="Task"/>, each 1-D <c>[N]</c>
/// except the multiclass <c>Score</c> <c>[N, classes]</c>. Other outputs are ignored.
/// </remarks>
/// <param name="OnnxModel">The serialized ONNX <c>ModelProto</c>.</param>
/// <param name="Task">The prediction task; decides which outputs are read and which ML.NET columns are produced.</param>
/// <param name="FeatureColumnName">The ML.NET input column, a known-size vector of Single of length <paramref name="FeatureSize"/>.</param>
/// <param name="FeatureSize">Number of features.</param>
/// <param name="ClassNames">
/// Multiclass only (<c>null</c> otherwise): the class names in key order, i.e. <c>ClassNames[k]</c> is the key value of key <c>k + 1</c>
/// and the name the ONNX <c>PredictedLabel</c> output emits for class index <c>k</c>. Unique.
/// </param>
public sealed record OnnxScoringModel(byte[] OnnxModel, PredictionTask Task, string FeatureColumnName, int FeatureSize,
                                      IReadOnlyList<string>? ClassNames = null)
{
    /// <summary>Exports an MLP with <see cref="MlpOnnxExporter"/> and describes it.</summary>
    /// <param name="architecture">The network's shape; its <see cref="MlpArchitecture.InputSize"/> is the feature size.</param>
    /// <param name="weights">Every weight of the network (<see cref="MlpNetwork.GetWeights"/>).</param>
    /// <param name="task">The prediction task.</param>
    /// <param name="featureColumnName">The ML.NET feature column.</param>
    /// <param name="classNames">Multiclass only: the class names in key order.</param>
    /// <returns>The description, with the ONNX bytes.</returns>
    public static OnnxScoringModel FromMlp(MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights, PredictionTask task,
                                           string featureColumnName, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        byte[] onnx = MlpOnnxExporter.Export(architecture, weights, task, featureColumnName, classNames);
        return new OnnxScoringModel(onnx, task, featureColumnName, architecture.InputSize, classNames?.ToArray());
    }
}
