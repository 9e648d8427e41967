using System.Globalization;

namespace MLExtensions;

/// <summary>
/// A trained adaptive-smoothing classifier as plain data: the standard (accurate) and the robust base model, and either the mixing
/// network's weights or a constant α, with the constants that turn the mixing network's output into α (ALGORITHMS.md C.1).
/// </summary>
/// <remarks>
/// The prediction is <c>h(x) = log((1 − α(x))·softmax(s_std·g(x)) + α(x)·softmax(s_rob·r(x)))</c> with g the standard and r the robust
/// model's logits (binary models: the pair of log-sigmoids). With the mixing network,
/// <c>α(x) = sigmoid(BN(MixNet(features))·GammaScale + GammaBias)·AlphaScale + AlphaBias</c>, where the features are both base models'
/// last hidden activations; with a constant α, α(x) = <see cref="ConstantAlpha"/>.
/// </remarks>
public sealed class AdaptiveSmoothingModelParameters
{
    internal AdaptiveSmoothingModelParameters(NeuralNetworkModelParameters standardModel, NeuralNetworkModelParameters robustModel,
                                              double? constantAlpha, IReadOnlyList<NamedTensorData>? mixingWeights, int mixingHiddenSize,
                                              double gammaScale, double gammaBias, double alphaScale, double alphaBias,
                                              double standardLogitScale, double robustLogitScale, IReadOnlyList<EpochRecord> history, int seed)
    {
        Validate(standardModel, robustModel, mixingWeights is not null);
        if (constantAlpha is null == mixingWeights is null)
            throw new ArgumentException("Give either a constant alpha or the mixing network's weights, not both or neither.", nameof(constantAlpha));
        if (constantAlpha is { } a && !(a >= 0 && a <= 1))
            throw new ArgumentOutOfRangeException(nameof(ConstantAlpha), a, "The constant alpha must be in [0, 1].");
        CheckAlphaRange(alphaScale, alphaBias);
        CheckPositive(standardLogitScale, nameof(StandardLogitScale));
        CheckPositive(robustLogitScale, nameof(RobustLogitScale));
        if (!double.IsFinite(gammaScale) || !double.IsFinite(gammaBias))
            throw new ArgumentOutOfRangeException(nameof(GammaScale), $"GammaScale and GammaBias must be finite; got {gammaScale}, {gammaBias}.");
        StandardModel = standardModel;
        RobustModel = robustModel;
        ConstantAlpha = constantAlpha;
        MixingWeights = mixingWeights;
        MixingHiddenSize = mixingHiddenSize;
        GammaScale = gammaScale;
        GammaBias = gammaBias;
        AlphaScale = alphaScale;
        AlphaBias = alphaBias;
        StandardLogitScale = standardLogitScale;
        RobustLogitScale = robustLogitScale;
        History = history;
        Seed = seed;
    }

    /// <summary>Binary or multiclass classification (the base models' task).</summary>
    public PredictionTask Task => StandardModel.Task;

    /// <summary>The standard (accurate) base model g, chosen where α is 0.</summary>
    public NeuralNetworkModelParameters StandardModel { get; }

    /// <summary>The robust (adversarially trained) base model r, chosen where α is 1.</summary>
    public NeuralNetworkModelParameters RobustModel { get; }

    /// <summary>The constant α of the constant-α mode, in [0, 1]; <c>null</c> when a mixing network computes α(x).</summary>
    public double? ConstantAlpha { get; }

    /// <summary>The mixing network's weights (<c>hidden.weight</c>, <c>hidden.bias</c>, <c>output.weight</c>, <c>norm.running_mean</c>,
    /// <c>norm.running_var</c>); <c>null</c> in the constant-α mode.</summary>
    public IReadOnlyList<NamedTensorData>? MixingWeights { get; }

    /// <summary>Hidden units of the mixing network (0 in the constant-α mode).</summary>
    public int MixingHiddenSize { get; }

    /// <summary>γ = BN(MixNet(features))·<see cref="GammaScale"/> + <see cref="GammaBias"/>.</summary>
    public double GammaScale { get; }

    /// <summary>See <see cref="GammaScale"/>.</summary>
    public double GammaBias { get; }

    /// <summary>At prediction α = sigmoid(γ)·<see cref="AlphaScale"/> + <see cref="AlphaBias"/>: α stays in [AlphaBias, AlphaBias + AlphaScale].</summary>
    public double AlphaScale { get; }

    /// <summary>See <see cref="AlphaScale"/>.</summary>
    public double AlphaBias { get; }

    /// <summary>s_std: the standard model's logits are multiplied by it before the softmax.</summary>
    public double StandardLogitScale { get; }

    /// <summary>s_rob: the robust model's logits are multiplied by it before the softmax.</summary>
    public double RobustLogitScale { get; }

    /// <summary>Per-epoch loss of the mixing network's training (empty in the constant-α mode or when none was trained).</summary>
    public IReadOnlyList<EpochRecord> History { get; }

    /// <summary>The seed of the mixing network's training (initial weights, batches, the training adversary).</summary>
    public int Seed { get; }

    /// <summary>Number of input features.</summary>
    public int FeatureCount => StandardModel.Architecture.InputSize;

    /// <summary>Number of classes: 2 for binary classification.</summary>
    public int ClassCount => Task == PredictionTask.BinaryClassification ? 2 : StandardModel.Architecture.OutputSize;

    /// <summary>For multiclass models, the class names in key order (as on the base models); otherwise <c>null</c>.</summary>
    public IReadOnlyList<string>? ClassNames => StandardModel.ClassNames;

    /// <summary>The same base models mixed with a constant α (for the trade-off curve: α = 0 is the standard model, α = 1 the robust one).</summary>
    /// <param name="alpha">α in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside [0, 1].</exception>
    public AdaptiveSmoothingModelParameters WithConstantAlpha(double alpha) =>
        new(StandardModel, RobustModel, alpha, null, 0, GammaScale, GammaBias, AlphaScale, AlphaBias, StandardLogitScale, RobustLogitScale, [], Seed);

    /// <summary>The same model with another prediction-time α range [<paramref name="alphaBias"/>, <paramref name="alphaBias"/> + <paramref name="alphaScale"/>].</summary>
    /// <param name="alphaScale">Width of the range, in (0, 1].</param>
    /// <param name="alphaBias">Lower end, at least 0, with <paramref name="alphaScale"/> + <paramref name="alphaBias"/> at most 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range does not fit in [0, 1].</exception>
    public AdaptiveSmoothingModelParameters WithAlphaRange(double alphaScale, double alphaBias) =>
        new(StandardModel, RobustModel, ConstantAlpha, MixingWeights, MixingHiddenSize, GammaScale, GammaBias, alphaScale, alphaBias,
            StandardLogitScale, RobustLogitScale, History, Seed);

    /// <summary>Checks an α range: scale in (0, 1], bias in [0, 1 − scale].</summary>
    internal static void CheckAlphaRange(double alphaScale, double alphaBias)
    {
        if (!(alphaScale > 0 && alphaScale <= 1))
            throw new ArgumentOutOfRangeException(nameof(AlphaScale), alphaScale, "AlphaScale must be in (0, 1].");
        if (!(alphaBias >= 0 && alphaBias + alphaScale <= 1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(AlphaBias), alphaBias,
                $"AlphaBias must be at least 0 with AlphaBias + AlphaScale at most 1 (AlphaScale is {alphaScale.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static void CheckPositive(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite.");
    }

    /// <summary>Checks that two base models can be mixed: same task (binary or multiclass), feature count, class count and class names;
    /// with a mixing network, both need a hidden layer.</summary>
    /// <exception cref="ArgumentException">The message names what differs.</exception>
    internal static void Validate(NeuralNetworkModelParameters standard, NeuralNetworkModelParameters robust, bool usesMixingNetwork)
    {
        ArgumentNullException.ThrowIfNull(standard);
        ArgumentNullException.ThrowIfNull(robust);
        foreach (var (model, name) in new[] { (standard, "standard"), (robust, "robust") })
        {
            if (model.Task is not (PredictionTask.BinaryClassification or PredictionTask.MulticlassClassification))
                throw new ArgumentException($"The {name} model is a {model.Task} model; adaptive smoothing mixes binary or multiclass classifiers.", name + "Model");
            if (usesMixingNetwork && model.Architecture.HiddenSizes.Count == 0)
                throw new ArgumentException($"The {name} model ({model.Architecture}) has no hidden layer; the mixing network reads the last hidden layer of both models.", name + "Model");
        }
        if (standard.Task != robust.Task)
            throw new ArgumentException($"The base models solve different tasks: standard {standard.Task}, robust {robust.Task}.", "robustModel");
        if (standard.Architecture.InputSize != robust.Architecture.InputSize)
            throw new ArgumentException(
                $"The base models read different feature sizes: standard {standard.Architecture.InputSize}, robust {robust.Architecture.InputSize}.", "robustModel");
        if (standard.Architecture.OutputSize != robust.Architecture.OutputSize)
            throw new ArgumentException(
                $"The base models have different class counts: standard {standard.Architecture.OutputSize}, robust {robust.Architecture.OutputSize}.", "robustModel");
        if (standard.ClassNames is { } a && robust.ClassNames is { } b && !a.SequenceEqual(b, StringComparer.Ordinal))
            throw new ArgumentException(
                $"The base models have different class sets (in key order): standard [{string.Join(", ", a)}], robust [{string.Join(", ", b)}].", "robustModel");
    }
}
