using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// A prediction transformer that can hand its scoring function over as an ONNX model, so that
/// <see cref="OnnxModelConversion.ConvertToOnnxBacked"/> can replace it with ML.NET's own (saveable) transformers.
/// </summary>
/// <remarks>
/// The transformer's own output columns must be exactly those ML.NET's trainers give for its <see cref="PredictionTask"/>:
/// regression <c>Score</c> (Single); binary classification <c>Score</c> (Single, the logit), <c>Probability</c> (Single) and
/// <c>PredictedLabel</c> (Boolean); multiclass <c>Score</c> (known-size vector of Single, one per class) and <c>PredictedLabel</c>
/// (key type with one key per class and a text <c>KeyValues</c> annotation whose values are <see cref="OnnxScoringModel.ClassNames"/>).
/// The conversion checks these types against the ONNX-backed replacement and throws when they differ.
/// <para>
/// For the reloaded pipeline to agree with the original, compute what the ONNX head computes (see <see cref="MlpOnnxExporter"/>): binary
/// <c>Probability</c> = sigmoid(<c>Score</c>) in float, clamped to [1e-7, 1 − 1e-7], and <c>PredictedLabel</c> = <c>Probability &gt; 0.5</c>; multiclass <c>Score</c> =
/// softmax of the logits and <c>PredictedLabel</c> = key of the first largest logit.
/// </para>
/// <para>
/// Multiclass class names are the training label's key values as text, in key order: text values as they are, numbers and Booleans
/// as <c>Convert.ToString(value, CultureInfo.InvariantCulture)</c> (shortest round-trip form for floating point); the conversion parses them back to the key-value
/// type with ML.NET's <c>ConvertType</c>, so the reloaded <c>PredictedLabel</c> has the same <c>KeyValues</c> type as the original. A label
/// key without <c>KeyValues</c> gets text <c>KeyValues</c> (the class names) after conversion.
/// </para>
/// <para>A typical implementation, with the trained model's architecture and weights:</para>
/// <code>
/// public OnnxScoringModel GetOnnxScoringModel() =&gt;
///     OnnxScoringModel.FromMlp(Model.Architecture, Model.Weights, PredictionTask.MulticlassClassification, FeatureColumnName, classNames);
/// </code>
/// </remarks>
public interface IOnnxConvertibleTransformer : ITransformer
{
    /// <summary>The ONNX model that computes this transformer's outputs, and what the conversion needs to wire it into ML.NET.</summary>
    /// <returns>A new description; the conversion does not modify it.</returns>
    OnnxScoringModel GetOnnxScoringModel();
}
