using Google.Protobuf;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MLExtensions;

/// <summary>
/// Writes an adaptive-smoothing classifier as one ONNX graph (opset 17): both base networks side by side (initializers prefixed
/// <c>standard.</c> and <c>robust.</c>), the mixing network on their concatenated last hidden activations (batch norm folded into an
/// affine map with its running statistics), α in the prediction range, and the mixture in log space:
/// <c>m + log(exp(A − m) + exp(B − m))</c> with <c>A = log(1 − α) + log_softmax(s_std·g)</c>, <c>B = log α + log_softmax(s_rob·r)</c>,
/// <c>m = max(A, B)</c>. The outputs are those of <see cref="MlpOnnxExporter"/> for the task, computed from the mixture (binary:
/// the logit log p − log(1 − p)).
/// </summary>
internal static class AdaptiveSmoothingOnnxExporter
{
    /// <summary>The serialized ONNX model, with graph input <paramref name="inputName"/> float [N, FeatureCount].</summary>
    public static byte[] Export(AdaptiveSmoothingModelParameters model, string inputName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        var standard = model.StandardModel;
        var robust = model.RobustModel;
        MlpOnnxExporter.ValidateArchitecture(standard.Architecture, standard.Task);
        MlpOnnxExporter.ValidateArchitecture(robust.Architecture, robust.Task);
        var standardWeights = MlpOnnxExporter.ValidateWeights(standard.Architecture, standard.Weights);
        var robustWeights = MlpOnnxExporter.ValidateWeights(robust.Architecture, robust.Weights);
        var names = MlpOnnxExporter.ValidateClassNames(standard.Architecture, model.Task, model.ClassNames);
        bool binary = model.Task == PredictionTask.BinaryClassification;

        var g = new OnnxGraphBuilder($"MLExtensions adaptive smoothing {standard.Architecture} + {robust.Architecture}");
        g.AddInput(inputName, DataType.Float, [null, model.FeatureCount]);
        var (standardLogits, standardHidden) = MlpOnnxExporter.AddNetwork(g, inputName, standard.Architecture, standardWeights, "standard.");
        var (robustLogits, robustHidden) = MlpOnnxExporter.AddNetwork(g, inputName, robust.Architecture, robustWeights, "robust.");
        string logStandard = LogProbabilities(g, standardLogits, binary, model.StandardLogitScale);
        string logRobust = LogProbabilities(g, robustLogits, binary, model.RobustLogitScale);

        string logAlpha, logOneMinus;
        if (model.ConstantAlpha is { } alpha)
        {
            logAlpha = g.Scalar((float)Math.Log(alpha));
            logOneMinus = g.Scalar((float)Math.Log(1.0 - alpha));
        }
        else
        {
            string gamma = MixingGamma(g, model, g.Node("Concat", [standardHidden, robustHidden], null, OnnxGraphBuilder.Int("axis", 1)));
            (logAlpha, logOneMinus) = LogWeights(g, gamma, model.AlphaScale, model.AlphaBias);
        }

        string a = g.Node("Add", [logStandard, logOneMinus]);
        string b = g.Node("Add", [logRobust, logAlpha]);
        string m = g.Node("Max", [a, b]);
        string sum = g.Node("Add", [g.Node("Exp", [g.Node("Sub", [a, m])]), g.Node("Exp", [g.Node("Sub", [b, m])])]);
        string mixture = g.Node("Add", [m, g.Node("Log", [sum])]);
        string raw = binary
            ? g.Node("Sub", [Column(g, mixture, 1), Column(g, mixture, 0)])
            : mixture;
        raw = MlpOnnxExporter.AddNonFinitePoison(g, inputName, raw);
        MlpOnnxExporter.AddHead(g, raw, model.Task, binary ? 1 : model.ClassCount, names);
        return g.ToModel($"MLExtensions {model.Task} adaptive smoothing; input '{inputName}' float [N, {model.FeatureCount}].").ToByteArray();
    }

    /// <summary>Column <paramref name="index"/> of an [N, K] tensor as [N, 1].</summary>
    private static string Column(OnnxGraphBuilder g, string x, long index) =>
        g.Node("Gather", [x, g.AddInt64s($"column_{index}", [1], [index])], null, OnnxGraphBuilder.Int("axis", 1));

    /// <summary>Multiclass log_softmax(s·logits); binary [log σ(−s·z), log σ(s·z)] via softplus (log σ(z) = −softplus(−z)).</summary>
    private static string LogProbabilities(OnnxGraphBuilder g, string logits, bool binary, double scale)
    {
        string scaled = scale == 1.0 ? logits : g.Node("Mul", [logits, g.Scalar((float)scale)]);
        if (!binary) return g.Node("LogSoftmax", [scaled], null, OnnxGraphBuilder.Int("axis", -1));
        string logFalse = g.Node("Neg", [g.Node("Softplus", [scaled])]);
        string logTrue = g.Node("Neg", [g.Node("Softplus", [g.Node("Neg", [scaled])])]);
        return g.Node("Concat", [logFalse, logTrue], null, OnnxGraphBuilder.Int("axis", 1));
    }

    /// <summary>γ [N, 1]: Linear → ReLU → Linear (no bias) → batch norm with running statistics → ·GammaScale + GammaBias, the last two
    /// folded into one multiply-add.</summary>
    private static string MixingGamma(OnnxGraphBuilder g, AdaptiveSmoothingModelParameters model, string features)
    {
        var w = model.MixingWeights!.ToDictionary(t => t.Name);
        NamedTensorData Get(string name) => w.TryGetValue(name, out var t) ? t
            : throw new ArgumentException($"Mixing-network weight '{name}' is missing.", nameof(model));
        string Add(string name) { var t = Get(name); return g.AddFloats("mixing." + name, t.Shape, t.Values); }
        string hidden = g.Node("Relu", [g.Node("Gemm", [features, Add("hidden.weight"), Add("hidden.bias")], null, OnnxGraphBuilder.Int("transB", 1))]);
        string raw = g.Node("Gemm", [hidden, Add("output.weight")], null, OnnxGraphBuilder.Int("transB", 1));
        double mean = Get("norm.running_mean").Values[0];
        double variance = Get("norm.running_var").Values[0];
        double slope = model.GammaScale / Math.Sqrt(variance + MixingNetwork.NormalizationEpsilon);
        double intercept = model.GammaBias - mean * slope;
        return g.Node("Add", [g.Node("Mul", [raw, g.Scalar((float)slope)]), g.Scalar((float)intercept)]);
    }

    /// <summary>log α and log(1 − α) for α = sigmoid(γ)·scale + bias, never the logarithm of an underflowed value: without a constant
    /// part, log σ(±γ) = −softplus(∓γ) plus log scale; with one, the argument of the logarithm is at least that constant.</summary>
    private static (string LogAlpha, string LogOneMinusAlpha) LogWeights(OnnxGraphBuilder g, string gamma, double scale, double bias)
    {
        double rest = 1.0 - scale - bias;
        string negGamma = g.Node("Neg", [gamma]);
        string logAlpha = bias > 0
            ? g.Node("Log", [g.Node("Add", [g.Node("Mul", [g.Node("Sigmoid", [gamma]), g.Scalar((float)scale)]), g.Scalar((float)bias)])])
            : g.Node("Add", [g.Node("Neg", [g.Node("Softplus", [negGamma])]), g.Scalar((float)Math.Log(scale))]);
        string logOneMinus = rest > 0
            ? g.Node("Log", [g.Node("Add", [g.Node("Mul", [g.Node("Sigmoid", [negGamma]), g.Scalar((float)scale)]), g.Scalar((float)rest)])])
            : g.Node("Add", [g.Node("Neg", [g.Node("Softplus", [gamma])]), g.Scalar((float)Math.Log(scale))]);
        return (logAlpha, logOneMinus);
    }
}
