using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions;

/// <summary>
/// The adaptive-smoothing mixture in log space (ALGORITHMS.md C.1, pitfall C.4):
/// <c>h(x) = log((1 − α)·softmax(s_std·g(x)) + α·softmax(s_rob·r(x)))</c> computed as
/// <c>logsumexp(log(1 − α) + log_softmax(s_std·g), log α + log_softmax(s_rob·r))</c>, so that it never takes the logarithm of an
/// underflowed probability. Probabilities are mixed, not logits.
/// </summary>
internal static class MixtureMath
{
    /// <summary>
    /// Log-probabilities of a network's raw outputs: multiclass <c>log_softmax(scale·logits)</c> [n, K]; binary (one logit z per row)
    /// the pair <c>[log σ(−s·z), log σ(s·z)]</c> [n, 2] (class 0 = false, class 1 = true).
    /// </summary>
    public static Tensor LogProbabilities(Tensor rawOutputs, PredictionTask task, double logitScale)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var scaled = logitScale == 1.0 ? rawOutputs.alias() : rawOutputs.mul(sc[logitScale]);
        var result = task == PredictionTask.BinaryClassification
            ? cat([nn.functional.logsigmoid(scaled.neg()), nn.functional.logsigmoid(scaled)], 1)
            : scaled.log_softmax(1);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>(log α, log(1 − α))</c> [n] for <c>α = sigmoid(γ)·alphaScale + alphaBias</c>, without forming α: log α from
    /// <c>logsigmoid(γ)</c> and log(1 − α) from <c>logsigmoid(−γ)</c>, shifted by the range in log space (logaddexp), so α near 0 or 1
    /// neither underflows nor blocks the gradient.
    /// </summary>
    /// <param name="gamma">The mixing logits γ [n] (±∞ allowed: α exactly 1 or 0 before the range).</param>
    /// <param name="alphaScale">Width of the α range, in (0, 1].</param>
    /// <param name="alphaBias">Lower end of the α range, in [0, 1 − alphaScale].</param>
    public static (Tensor LogAlpha, Tensor LogOneMinusAlpha) LogWeights(Tensor gamma, double alphaScale, double alphaBias)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var logAlpha = nn.functional.logsigmoid(gamma);
        var logOneMinus = nn.functional.logsigmoid(gamma.neg());
        if (alphaScale != 1.0 || alphaBias != 0.0)
        {
            double logScale = Math.Log(alphaScale);
            logAlpha = logAlpha.add(sc[logScale], sc.One);
            logOneMinus = logOneMinus.add(sc[logScale], sc.One);
            // α' = scale·α + bias and 1 − α' = scale·(1 − α) + (1 − scale − bias): add the constant parts in log space.
            if (alphaBias > 0) logAlpha = logaddexp(logAlpha, full_like(logAlpha, sc[Math.Log(alphaBias)]));
            double rest = 1.0 - alphaScale - alphaBias;
            if (rest > 0) logOneMinus = logaddexp(logOneMinus, full_like(logOneMinus, sc[Math.Log(rest)]));
        }
        return (logAlpha.MoveToOuterDisposeScope(), logOneMinus.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// <c>(log α, log(1 − α))</c> [n] for a constant α in [0, 1]: α = 0 gives (−∞, 0) and α = 1 gives (0, −∞), so the mixture
    /// reproduces the standard or the robust model exactly.
    /// </summary>
    public static (Tensor LogAlpha, Tensor LogOneMinusAlpha) ConstantLogWeights(long rows, double alpha, Device device)
    {
        using var sc = new StepScalars();
        var logAlpha = full(rows, sc[Math.Log(alpha)], dtype: ScalarType.Float32, device: device);
        var logOneMinus = full(rows, sc[Math.Log(1.0 - alpha)], dtype: ScalarType.Float32, device: device);
        return (logAlpha, logOneMinus);
    }

    /// <summary>The mixture's log-probabilities [n, K] from both models' log-probabilities [n, K] and the log weights [n].</summary>
    public static Tensor Mix(Tensor logStandard, Tensor logRobust, Tensor logAlpha, Tensor logOneMinusAlpha)
    {
        using var sc = new StepScalars();
        using var scope = NewDisposeScope();
        var standardPart = logStandard.add(logOneMinusAlpha.unsqueeze(1), sc.One);
        var robustPart = logRobust.add(logAlpha.unsqueeze(1), sc.One);
        return logsumexp(stack([standardPart, robustPart], 0), 0).MoveToOuterDisposeScope();
    }
}
