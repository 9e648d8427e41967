using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The live TorchSharp composite of an <see cref="AdaptiveSmoothingModelParameters"/>: both base networks (frozen: eval mode, no
/// parameter gradients) and the mixing network, on the CPU. Every output is differentiable with respect to the input features,
/// through both base models and through α (the mixing network reads the base models' hidden activations without detaching them),
/// so attacks see the whole composite.
/// </summary>
internal sealed class AdaptiveSmoothingNetwork : IDisposable
{
    private readonly MlpNetwork _standard;
    private readonly MlpNetwork _robust;

    public AdaptiveSmoothingNetwork(AdaptiveSmoothingModelParameters model)
    {
        Model = model;
        _standard = Freeze(model.StandardModel.CreateNetwork());
        _robust = Freeze(model.RobustModel.CreateNetwork());
        if (model.MixingWeights is { } weights)
        {
            int inputs = model.StandardModel.Architecture.HiddenSizes[^1] + model.RobustModel.Architecture.HiddenSizes[^1];
            // The initial weights are overwritten at once; a local generator keeps TorchSharp's global one untouched.
            using var generator = new TorchSharp.torch.Generator(0);
            Mixer = new MixingNetwork(inputs, model.MixingHiddenSize, model.GammaScale, model.GammaBias, generator);
            Mixer.SetWeights(weights);
            Mixer.eval();
        }
    }

    /// <summary>The parameters this network was built from (the mixing weights as they were then).</summary>
    public AdaptiveSmoothingModelParameters Model { get; }

    /// <summary>The mixing network, or <c>null</c> in the constant-α mode. Its mode (train/eval) is the caller's to set.</summary>
    public MixingNetwork? Mixer { get; }

    /// <summary>
    /// The mixture's log-probabilities [n, ClassCount] and the mixing logits γ [n] (±∞ for a constant α of 1 or 0) of
    /// <paramref name="features"/> [n, FeatureCount].
    /// </summary>
    /// <param name="features">Float32 features on the CPU.</param>
    /// <param name="scaleAlpha">Whether to map α into the prediction-time range [AlphaBias, AlphaBias + AlphaScale] (true at prediction;
    /// false while the mixing network trains and for the training adversary, as in the official code).</param>
    public (Tensor LogProbabilities, Tensor Gamma) Forward(Tensor features, bool scaleAlpha)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var (standardRaw, standardHidden) = _standard.ForwardWithHidden(features);
        var (robustRaw, robustHidden) = _robust.ForwardWithHidden(features);
        var logStandard = MixtureMath.LogProbabilities(standardRaw, Model.Task, Model.StandardLogitScale);
        var logRobust = MixtureMath.LogProbabilities(robustRaw, Model.Task, Model.RobustLogitScale);
        Tensor gamma, logAlpha, logOneMinus;
        if (Mixer is null)
        {
            double alpha = Model.ConstantAlpha!.Value;
            (logAlpha, logOneMinus) = MixtureMath.ConstantLogWeights(features.shape[0], alpha, features.device);
            gamma = logAlpha.sub(logOneMinus);
        }
        else
        {
            gamma = Mixer.forward(cat([standardHidden, robustHidden], 1));
            (logAlpha, logOneMinus) = scaleAlpha
                ? MixtureMath.LogWeights(gamma, Model.AlphaScale, Model.AlphaBias)
                : MixtureMath.LogWeights(gamma, 1.0, 0.0);
        }
        var mixture = MixtureMath.Mix(logStandard, logRobust, logAlpha, logOneMinus);
        return (mixture.MoveToOuterDisposeScope(), gamma.MoveToOuterDisposeScope());
    }

    /// <summary>The raw outputs the score columns are made from: multiclass the mixture's log-probabilities [n, K] (their softmax is the
    /// mixture's probabilities), binary the mixture's logit log p − log(1 − p) [n, 1].</summary>
    public Tensor RawOutputs(Tensor features)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var (logProbabilities, _) = Forward(features, scaleAlpha: true);
        var raw = Model.Task == PredictionTask.BinaryClassification
            ? logProbabilities[.., 1..2].sub(logProbabilities[.., 0..1])
            : logProbabilities;
        return raw.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the networks' native memory.</summary>
    public void Dispose()
    {
        _standard.Dispose();
        _robust.Dispose();
        Mixer?.Dispose();
    }

    private static MlpNetwork Freeze(MlpNetwork network)
    {
        foreach (var p in network.parameters()) p.requires_grad_(false);
        network.eval();
        return network;
    }
}
