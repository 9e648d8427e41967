namespace MLExtensions.Trainers;

/// <summary>How a network's raw outputs become ML.NET's score columns; shared by the row-by-row and the batched scorers.</summary>
internal static class ScoreMath
{
    /// <summary>The probability of a binary logit.</summary>
    public static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

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
