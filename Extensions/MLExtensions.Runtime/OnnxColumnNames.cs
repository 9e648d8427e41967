namespace MLExtensions;

/// <summary>
/// Names of the intermediate columns an ONNX-backed pipeline carries between ML.NET's <c>ApplyOnnxModel</c> transformer and the
/// stateless mappings of this assembly. They are part of the saved-model format: changing one breaks models saved before.
/// </summary>
/// <remarks>The conversion drops these columns at the end of each converted stage, so they never reach the final schema.</remarks>
public static class OnnxColumnNames
{
    /// <summary>The ONNX score output: a 1-element vector per row (regression, binary), or the class probabilities (multiclass).</summary>
    public const string Score = "MLExtensionsOnnx.Score";

    /// <summary>The ONNX probability output of a binary classifier, a 1-element vector per row.</summary>
    public const string Probability = "MLExtensionsOnnx.Probability";

    /// <summary>The ONNX predicted-label output: a 1-element Boolean vector (binary) or a 1-element text vector holding the class name (multiclass).</summary>
    public const string PredictedLabel = "MLExtensionsOnnx.PredictedLabel";

    /// <summary>The multiclass predicted class name as a scalar text column, input of the key mapping that rebuilds <c>PredictedLabel</c>.</summary>
    public const string PredictedClassName = "MLExtensionsOnnx.PredictedClassName";

    /// <summary>
    /// The multiclass predicted class converted (ML.NET's <c>ConvertType</c>) from its name to the type of the training label's key values,
    /// when those are not text.
    /// </summary>
    public const string PredictedClassValue = "MLExtensionsOnnx.PredictedClassValue";
}
