
namespace MLExtensions;

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

    /// <summary>Reads an ONNX file (e.g. one written by <see cref="MlpOnnxExporter"/>) and checks that it fits the description.</summary>
    /// <param name="onnxPath">The ONNX file.</param>
    /// <param name="task">The prediction task the model serves.</param>
    /// <param name="featureColumnName">The ML.NET feature column.</param>
    /// <param name="featureSize">Number of features.</param>
    /// <param name="classNames">Multiclass only: the class names in key order.</param>
    /// <returns>The description, with the file's bytes.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, truncated, or lacks the inputs/outputs the task needs; the message names the file.</exception>
    public static OnnxScoringModel FromFile(string onnxPath, PredictionTask task, string featureColumnName, int featureSize,
                                           IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        if (!File.Exists(onnxPath)) throw new FileNotFoundException($"ONNX file '{onnxPath}' does not exist.", onnxPath);
        var model = new OnnxScoringModel(File.ReadAllBytes(onnxPath), task, featureColumnName, featureSize, classNames?.ToArray());
        model.Validate($"ONNX file '{onnxPath}'");
        return model;
    }

    /// <summary>Checks the ONNX bytes against the description: a parsable model, one float input [N, FeatureSize], the task's outputs.</summary>
    /// <param name="sourceName">How error messages name the model, e.g. <c>ONNX file 'm.onnx'</c>.</param>
    /// <exception cref="InvalidDataException">The bytes are corrupt, truncated or not in the documented format.</exception>
    /// <exception cref="ArgumentException">The description is inconsistent (sizes, class names).</exception>
    public void Validate(string sourceName = "the ONNX model") => OnnxScoringModelPreparer.Prepare(this, sourceName);
}
