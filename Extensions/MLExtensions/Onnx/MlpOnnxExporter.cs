using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MLExtensions;

/// <summary>
/// Writes a trained <see cref="MlpNetwork"/> (its <see cref="MlpArchitecture"/> and named weights) as an ONNX model (opset 17) with
/// the prediction head of its <see cref="PredictionTask"/>. The graph computes what <see cref="MlpNetwork"/> computes in eval mode:
/// Gemm, BatchNormalization with running statistics or LayerNormalization, the activation, dropout as identity.
/// </summary>
/// <remarks>
/// Input: float <c>[N, InputSize]</c> with a dynamic batch dimension. Outputs (see <see cref="OnnxOutputNames"/>):
/// regression <c>Score</c> float [N]; binary classification <c>Score</c> (logit), <c>Probability</c> float [N] (sigmoid clipped to
/// [1e-7, 1 − 1e-7]) and <c>PredictedLabel</c> bool [N]; multiclass <c>Score</c> float [N, K] (softmax), <c>PredictedIndex</c> int64 [N] and <c>PredictedLabel</c> string [N].
/// Outputs are 1-D rather than scalars per row because ML.NET's ONNX transformer cannot read rank-0 outputs. A row with a NaN or
/// ±∞ feature gets NaN scores and probabilities, <c>PredictedLabel</c> false (binary), or <c>PredictedIndex</c> -1 and
/// <c>PredictedLabel</c> "" (multiclass; also for any row whose probabilities are NaN), as the in-process transformer scores it.
/// </remarks>
public static class MlpOnnxExporter
{
    /// <summary>Default name of the graph input, ML.NET's feature column name.</summary>
    public const string DefaultInputName = "Features";

    /// <summary>Writes the ONNX model to <paramref name="destination"/>.</summary>
    /// <param name="architecture">The network's shape.</param>
    /// <param name="weights">Every weight <see cref="MlpNetwork.GetWeights"/> returns, with the names and shapes <see cref="MlpArchitecture"/> documents.</param>
    /// <param name="task">Which prediction head to add; decides the outputs.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="inputName">Name of the graph input.</param>
    /// <param name="classNames">
    /// Multiclass only: the class names in output order (ML.NET key order), one per output; <c>null</c> names classes by their zero-based index.
    /// Must be <c>null</c> for the other tasks.
    /// </param>
    /// <exception cref="ArgumentException">The architecture is invalid, a weight is missing, unknown or misshapen, the output size does not fit the task, or the class names do not fit.</exception>
    public static void Export(MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights, PredictionTask task, Stream destination,
                              string inputName = DefaultInputName, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite) throw new ArgumentException("The destination stream must be writable.", nameof(destination));
        BuildModel(architecture, weights, task, inputName, classNames).WriteTo(destination);
    }

    /// <summary>Returns the ONNX model as bytes; see <see cref="Export(MlpArchitecture, IReadOnlyList{NamedTensorData}, PredictionTask, Stream, string, IReadOnlyList{string}?)"/>.</summary>
    /// <param name="architecture">The network's shape.</param>
    /// <param name="weights">Every weight of the network.</param>
    /// <param name="task">Which prediction head to add.</param>
    /// <param name="inputName">Name of the graph input.</param>
    /// <param name="classNames">Multiclass only: the class names in output order; <c>null</c> names classes by index.</param>
    /// <returns>The serialized ONNX <c>ModelProto</c>.</returns>
    public static byte[] Export(MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights, PredictionTask task,
                                string inputName = DefaultInputName, IReadOnlyList<string>? classNames = null) =>
        BuildModel(architecture, weights, task, inputName, classNames).ToByteArray();

    internal static ModelProto BuildModel(MlpArchitecture architecture, IReadOnlyList<NamedTensorData> weights, PredictionTask task,
                                          string inputName, IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        ValidateArchitecture(architecture, task);
        var byName = ValidateWeights(architecture, weights);
        var names = ValidateClassNames(architecture, task, classNames);

        var g = new OnnxGraphBuilder($"MLExtensions MLP {architecture}");
        g.AddInput(inputName, DataType.Float, [null, architecture.InputSize]);
        var (logits, _) = AddNetwork(g, inputName, architecture, byName, "");
        logits = AddNonFinitePoison(g, inputName, logits);
        AddHead(g, logits, task, architecture.OutputSize, names);
        return g.ToModel($"MLExtensions {task} MLP {architecture}; input '{inputName}' float [N, {architecture.InputSize}].");
    }

    /// <summary>
    /// Adds the network's layers (eval mode) reading <paramref name="input"/>; returns the logits [N, OutputSize] and the last hidden
    /// layer's activations (the input itself without hidden layers). Initializers are named <paramref name="weightPrefix"/> + the weight
    /// name, so several networks fit in one graph. The weights must have passed <see cref="ValidateWeights"/>.
    /// </summary>
    internal static (string Logits, string Hidden) AddNetwork(OnnxGraphBuilder g, string input, MlpArchitecture architecture,
                                                              IReadOnlyDictionary<string, NamedTensorData> byName, string weightPrefix)
    {
        string x = input;
        for (int i = 0; i < architecture.HiddenSizes.Count; i++)
        {
            string prefix = $"hidden.{i}";
            x = Gemm(g, x, byName, $"{prefix}.linear", weightPrefix);
            x = architecture.Normalization switch
            {
                NormalizationKind.BatchNorm => g.Node("BatchNormalization",
                    [x, Add(g, byName, $"{prefix}.norm.weight", weightPrefix), Add(g, byName, $"{prefix}.norm.bias", weightPrefix),
                     Add(g, byName, $"{prefix}.norm.running_mean", weightPrefix), Add(g, byName, $"{prefix}.norm.running_var", weightPrefix)],
                    null, OnnxGraphBuilder.Float("epsilon", (float)MlpArchitecture.NormalizationEpsilon)),
                NormalizationKind.LayerNorm => g.Node("LayerNormalization",
                    [x, Add(g, byName, $"{prefix}.norm.weight", weightPrefix), Add(g, byName, $"{prefix}.norm.bias", weightPrefix)],
                    null, OnnxGraphBuilder.Int("axis", -1), OnnxGraphBuilder.Float("epsilon", (float)MlpArchitecture.NormalizationEpsilon)),
                _ => x,
            };
            x = Activate(g, x, architecture.Activation);
            // Dropout is the identity at inference.
        }
        return (Gemm(g, x, byName, "output", weightPrefix), x);
    }

    /// <summary>
    /// A row with a NaN or ±∞ feature is scored as missing, as in process: the sum of features × 0 is 0 for a finite row and NaN
    /// otherwise (0 × ±∞ = NaN), and adding it to the raw outputs makes every output of that row NaN. Returns the poisoned outputs.
    /// </summary>
    internal static string AddNonFinitePoison(OnnxGraphBuilder g, string input, string rawOutputs)
    {
        string poison = g.Node("ReduceSum", [g.Node("Mul", [input, g.Scalar(0f)]), g.AddInt64s("feature_axis", [1], [1])],
                               null, OnnxGraphBuilder.Int("keepdims", 1));
        return g.Node("Add", [rawOutputs, poison]);
    }

    /// <summary>Adds the task's outputs (see the remarks) computed from the raw outputs: binary logits [N, 1], multiclass logits [N, K]
    /// (any per-row shift of them, e.g. log-probabilities, gives the same outputs), regression values [N, 1].</summary>
    internal static void AddHead(OnnxGraphBuilder g, string logits, PredictionTask task, int outputs, IReadOnlyList<string> classNames)
    {
        switch (task)
        {
            case PredictionTask.Regression:
                g.Node("Reshape", [logits, g.AddInt64s("flat_shape", [1], [-1])], OnnxOutputNames.Score);
                g.AddOutput(OnnxOutputNames.Score, DataType.Float, [null]);
                break;
            case PredictionTask.BinaryClassification:
                g.Node("Reshape", [logits, g.AddInt64s("flat_shape", [1], [-1])], OnnxOutputNames.Score);
                // Clamped like ScoreMath.Sigmoid, so a saturated logit never gives a probability of exactly 0 or 1.
                g.Node("Clip", [g.Node("Sigmoid", [OnnxOutputNames.Score]), g.Scalar(ScoreMath.ProbabilityFloor), g.Scalar(ScoreMath.ProbabilityCeiling)],
                    OnnxOutputNames.Probability);
                string half = g.Scalar(0.5f);
                g.Node("Greater", [OnnxOutputNames.Probability, half], OnnxOutputNames.PredictedLabel);
                g.AddOutput(OnnxOutputNames.Score, DataType.Float, [null]);
                g.AddOutput(OnnxOutputNames.Probability, DataType.Float, [null]);
                g.AddOutput(OnnxOutputNames.PredictedLabel, DataType.Bool, [null]);
                break;
            case PredictionTask.MulticlassClassification:
                g.Node("Softmax", [logits], OnnxOutputNames.Score, OnnxGraphBuilder.Int("axis", -1));
                string argMax = g.Node("ArgMax", [logits], null, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
                // A row whose probabilities are NaN has no class: index -1 and the empty name, which MapValueToKey maps to the missing key.
                string noClass = g.Node("IsNaN", [g.Node("ReduceSum", [OnnxOutputNames.Score, g.AddInt64s("class_axis", [1], [1])],
                                                          null, OnnxGraphBuilder.Int("keepdims", 0))]);
                g.Node("Where", [noClass, g.AddInt64s("no_class_index", [], [-1]), argMax], OnnxOutputNames.PredictedIndex);
                string names = g.AddStrings("class_names", classNames);
                string name = g.Node("Gather", [names, argMax], null, OnnxGraphBuilder.Int("axis", 0));
                g.Node("Where", [noClass, g.AddStrings("no_class_name", [""]), name], OnnxOutputNames.PredictedLabel);
                g.AddOutput(OnnxOutputNames.Score, DataType.Float, [null, outputs]);
                g.AddOutput(OnnxOutputNames.PredictedIndex, DataType.Int64, [null]);
                g.AddOutput(OnnxOutputNames.PredictedLabel, DataType.String, [null]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(task), task, $"Allowed: {string.Join(", ", Enum.GetNames<PredictionTask>())}.");
        }
    }

    private static string Activate(OnnxGraphBuilder g, string x, ActivationKind activation)
    {
        switch (activation)
        {
            case ActivationKind.ReLU: return g.Node("Relu", [x]);
            case ActivationKind.Tanh: return g.Node("Tanh", [x]);
            case ActivationKind.Sigmoid: return g.Node("Sigmoid", [x]);
            case ActivationKind.LeakyReLU: return g.Node("LeakyRelu", [x], null, OnnxGraphBuilder.Float("alpha", 0.01f));
            case ActivationKind.SiLU: return g.Node("Mul", [x, g.Node("Sigmoid", [x])]);
            case ActivationKind.GELU:
            {
                // Opset 17 has no Gelu: 0.5 * x * (1 + erf(x / sqrt(2))), the exact form PyTorch uses by default.
                string sqrt2 = g.Scalar((float)Math.Sqrt(2.0));
                string one = g.Scalar(1f);
                string half = g.Scalar(0.5f);
                string erf = g.Node("Erf", [g.Node("Div", [x, sqrt2])]);
                return g.Node("Mul", [g.Node("Mul", [x, g.Node("Add", [erf, one])]), half]);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Allowed: {string.Join(", ", Enum.GetNames<ActivationKind>())}.");
        }
    }

    private static string Gemm(OnnxGraphBuilder g, string x, IReadOnlyDictionary<string, NamedTensorData> w, string layer, string weightPrefix) =>
        g.Node("Gemm", [x, Add(g, w, $"{layer}.weight", weightPrefix), Add(g, w, $"{layer}.bias", weightPrefix)], null, OnnxGraphBuilder.Int("transB", 1));

    private static string Add(OnnxGraphBuilder g, IReadOnlyDictionary<string, NamedTensorData> w, string name, string weightPrefix)
    {
        var t = w[name];
        return g.AddFloats(weightPrefix + name, t.Shape, t.Values);
    }

    internal static void ValidateArchitecture(MlpArchitecture a, PredictionTask task)
    {
        if (a.InputSize < 1) throw new ArgumentException($"InputSize must be at least 1; got {a.InputSize}.", "architecture");
        if (a.HiddenSizes is null) throw new ArgumentException("HiddenSizes must not be null.", "architecture");
        if (a.HiddenSizes.Any(h => h < 1)) throw new ArgumentException($"Every hidden size must be at least 1; got {a}.", "architecture");
        if (!Enum.IsDefined(a.Activation))
            throw new ArgumentException($"Activation {a.Activation} is unknown; allowed: {string.Join(", ", Enum.GetNames<ActivationKind>())}.", "architecture");
        if (!Enum.IsDefined(a.Normalization))
            throw new ArgumentException($"Normalization {a.Normalization} is unknown; allowed: {string.Join(", ", Enum.GetNames<NormalizationKind>())}.", "architecture");
        switch (task)
        {
            case PredictionTask.Regression or PredictionTask.BinaryClassification when a.OutputSize != 1:
                throw new ArgumentException($"{task} needs OutputSize 1; architecture {a} has {a.OutputSize}.", "architecture");
            case PredictionTask.MulticlassClassification when a.OutputSize < 2:
                throw new ArgumentException($"MulticlassClassification needs OutputSize of at least 2; architecture {a} has {a.OutputSize}.", "architecture");
            case not (PredictionTask.Regression or PredictionTask.BinaryClassification or PredictionTask.MulticlassClassification):
                throw new ArgumentOutOfRangeException(nameof(task), task, $"Allowed: {string.Join(", ", Enum.GetNames<PredictionTask>())}.");
        }
    }

    /// <summary>The weights by name, after checking that they are exactly the architecture's, with the documented shapes.</summary>
    internal static IReadOnlyDictionary<string, NamedTensorData> ValidateWeights(MlpArchitecture a, IReadOnlyList<NamedTensorData> weights)
    {
        var expected = new Dictionary<string, long[]>();
        int inputs = a.InputSize;
        for (int i = 0; i < a.HiddenSizes.Count; i++)
        {
            int units = a.HiddenSizes[i];
            expected[$"hidden.{i}.linear.weight"] = [units, inputs];
            expected[$"hidden.{i}.linear.bias"] = [units];
            if (a.Normalization != NormalizationKind.None)
            {
                expected[$"hidden.{i}.norm.weight"] = [units];
                expected[$"hidden.{i}.norm.bias"] = [units];
            }
            if (a.Normalization == NormalizationKind.BatchNorm)
            {
                expected[$"hidden.{i}.norm.running_mean"] = [units];
                expected[$"hidden.{i}.norm.running_var"] = [units];
            }
            inputs = units;
        }
        expected["output.weight"] = [a.OutputSize, inputs];
        expected["output.bias"] = [a.OutputSize];

        var byName = new Dictionary<string, NamedTensorData>();
        foreach (var w in weights)
        {
            if (w is null) throw new ArgumentException("The weights contain a null entry.", nameof(weights));
            w.Validate();
            if (!expected.TryGetValue(w.Name, out long[]? shape))
                throw new ArgumentException($"Unknown weight '{w.Name}' for architecture {a}; expected: {string.Join(", ", expected.Keys)}.", nameof(weights));
            if (!byName.TryAdd(w.Name, w)) throw new ArgumentException($"Weight '{w.Name}' appears twice.", nameof(weights));
            if (!w.Shape.SequenceEqual(shape))
                throw new ArgumentException(
                    $"Weight '{w.Name}' has shape [{string.Join(", ", w.Shape)}]; architecture {a} needs [{string.Join(", ", shape)}].", nameof(weights));
            if (w.Values.Any(v => !float.IsFinite(v)))
                throw new ArgumentException($"Weight '{w.Name}' contains NaN or infinite values.", nameof(weights));
        }
        var missing = expected.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"Weight(s) missing for architecture {a}: {string.Join(", ", missing)}.", nameof(weights));
        return byName;
    }

    internal static IReadOnlyList<string> ValidateClassNames(MlpArchitecture a, PredictionTask task, IReadOnlyList<string>? classNames)
    {
        if (task != PredictionTask.MulticlassClassification)
        {
            if (classNames is not null) throw new ArgumentException($"Class names only apply to multiclass classification, not {task}.", nameof(classNames));
            return [];
        }
        if (classNames is null) return Enumerable.Range(0, a.OutputSize).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Count != a.OutputSize)
            throw new ArgumentException($"Got {classNames.Count} class names for {a.OutputSize} outputs of architecture {a}.", nameof(classNames));
        if (classNames.Any(n => n is null)) throw new ArgumentException("Class names must not be null.", nameof(classNames));
        var duplicate = classNames.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(grp => grp.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Class name '{duplicate.Key}' appears more than once; names must be unique.", nameof(classNames));
        return classNames;
    }
}
