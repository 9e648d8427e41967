using System.Numerics;
using System.Numerics.Tensors;

namespace MLExtensions;

/// <summary>How a network's raw outputs become ML.NET's score columns; shared by the row-by-row and the batched scorers.</summary>
/// <remarks>
/// Non-finite features: a row with a NaN or ±∞ feature is scored as missing, whatever the network would compute from it (a
/// saturating unit can turn ∞ into a confident finite score): every raw output is NaN, so Score and Probability are NaN, the
/// binary PredictedLabel is false (NaN &gt; 0.5 is false, as for ML.NET's own binary trainers) and the multiclass PredictedLabel
/// is the missing key 0 (<see cref="Softmax"/> returns -1).
/// </remarks>
internal static class ScoreMath
{
    /// <summary>
    /// The smallest binary probability reported; the largest is 1 − this (0.99999988f). A saturated logit (|logit| above about 16)
    /// would round to exactly 0 or 1 in float, and one wrong such row makes a log-loss infinite. The logit (Score) is not clamped,
    /// so rankings (AUC) keep their order.
    /// </summary>
    public const float ProbabilityFloor = 1e-7f;

    /// <summary>The largest binary probability reported: 1 − <see cref="ProbabilityFloor"/> in float.</summary>
    public const float ProbabilityCeiling = 1f - ProbabilityFloor;

    /// <summary>The probability of a binary logit, clamped to [<see cref="ProbabilityFloor"/>, <see cref="ProbabilityCeiling"/>] (NaN stays NaN).</summary>
    public static float Sigmoid(float logit) => Math.Clamp(1f / (1f + MathF.Exp(-logit)), ProbabilityFloor, ProbabilityCeiling);

    /// <summary>Whether every feature is finite (neither NaN nor ±∞).</summary>
    /// <remarks>
    /// A finite (SIMD) sum proves it: a NaN or ±∞ makes any sum NaN or ±∞. Only a non-finite sum, from such a value or from an
    /// overflow of finite ones, is checked element by element.
    /// </remarks>
    public static bool AllFinite(ReadOnlySpan<float> features)
    {
        if (float.IsFinite(TensorPrimitives.Sum(features)))
        {
            return true;
        }

        foreach (float v in features)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Applies <see cref="ApplyNonFinitePolicy(ReadOnlySpan{float}, Span{float})"/> to every row of a row-major block:
    /// <paramref name="features"/> holds rows of <paramref name="inputs"/> values, <paramref name="outputs"/> rows of
    /// <paramref name="width"/>.
    /// </summary>
    public static void ApplyNonFinitePolicy(ReadOnlySpan<float> features, int inputs, Span<float> outputs, int width)
    {
        if (AllFinite(features))
        {
            return;   // the common case: one sum over the whole block
        }

        for (int r = 0; r < features.Length / inputs; r++)
        {
            ApplyNonFinitePolicy(features.Slice(r * inputs, inputs), outputs.Slice(r * width, width));
        }
    }

    /// <summary>Sets the row's raw outputs to NaN when one of its features is not finite (the missing-row policy above).</summary>
    /// <returns>Whether the row was set to NaN.</returns>
    public static bool ApplyNonFinitePolicy(ReadOnlySpan<float> features, Span<float> outputs)
    {
        if (AllFinite(features))
        {
            return false;
        }

        outputs.Fill(float.NaN);
        return true;
    }

    /// <summary>
    /// Writes the softmax of <paramref name="logits"/> into <paramref name="probabilities"/> (which may be the same span); returns the
    /// 0-based index of the most probable class, or -1 (no class: the missing key) when the probabilities are NaN (a NaN logit, or
    /// +∞ logits). The one softmax of the library: float for scoring, double for GBNN's loss and gradients (the same operations in
    /// the same order, so the float results equal a float-only implementation's).
    /// </summary>
    public static int Softmax<T>(ReadOnlySpan<T> logits, Span<T> probabilities) where T : IFloatingPointIeee754<T>
    {
        T max = T.NegativeInfinity;
        foreach (T logit in logits)
        {
            max = T.Max(max, logit);
        }

        T sum = T.Zero;
        for (int k = 0; k < logits.Length; k++)
        {
            sum += probabilities[k] = T.Exp(logits[k] - max);
        }

        if (T.IsNaN(sum))
        {
            probabilities[..logits.Length].Fill(T.NaN);
            return -1;
        }

        int best = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            probabilities[k] /= sum;
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }

        return best;
    }
}
