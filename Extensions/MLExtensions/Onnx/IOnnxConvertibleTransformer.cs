using Microsoft.ML;

namespace MLExtensions.Onnx;

/// <summary>
/// A prediction transformer that can hand its scoring function over as an ONNX model, so that
/// <see cref="OnnxModelConversion.ConvertToOnnxBacked"/> can replace it with ML.NET's own (saveable) transformers.
/// </summary>
/// <remarks>
/// The transformer's own output columns must be exactly those ML.NET's trainers give for its <see cref="Trainers.PredictionTask"/>:
/// regression <c>Score</c> (Single); binary classification <c>Score</c> (Single, the logit), <c>Probability</c> (Single) and
/// <c>PredictedLabel</c> (Boolean); multiclass <c>Score</c> (known-size vector of Single, one per class) and <c>PredictedLabel</c>
/// (key type with one key per class and a text <c>KeyValues</c> annotation whose values are <see cref="OnnxScoringModel.ClassNames"/>).
/// The conversion checks these types against the ONNX-backed replacement and throws when they differ.
/// </remarks>
public interface IOnnxConvertibleTransformer : ITransformer
{
    /// <summary>The ONNX model that computes this transformer's outputs, and what the conversion needs to wire it into ML.NET.</summary>
    /// <returns>A new description; the conversion does not modify it.</returns>
    OnnxScoringModel GetOnnxScoringModel();
}
