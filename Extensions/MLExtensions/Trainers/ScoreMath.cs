namespace MLExtensions.Trainers;

/// <summary>How a network's raw outputs become ML.NET's score columns; shared by the row-by-row and the batched scorers.</summary>
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

    /// <summary>Writes the softmax of <paramref name="logits"/> into <paramref name="probabilities"/> (which may be the same span); returns the 0-based index of the most probable class.</summary>
    public static int Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
        {
            max = Math.Max(max, logit);
        }

        float sum = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            sum += probabilities[k] = MathF.Exp(logits[k] - max);
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
