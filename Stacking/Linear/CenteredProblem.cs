namespace MLExtensions;

/// <summary>A centered (and possibly standardized) least-squares problem: Gram = Xc^T Xc / (s s^T), Xy = Xc^T yc / s, Yy = yc^T yc.</summary>
internal sealed record CenteredProblem(double Count, double[] Gram, double[] Xy, double Yy, double[] MeanX, double MeanY, double[] Scale)
{
    public int Features => Xy.Length;

    /// <summary>Converts coefficients of the scaled problem to the shifted-data coordinates: weights w/s and intercept meanY - meanX·(w/s).</summary>
    public (double[] Weights, double Intercept) Unscale(double[] scaledWeights)
    {
        var w = new double[scaledWeights.Length];
        double intercept = MeanY;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = scaledWeights[i] / Scale[i];
            intercept -= MeanX[i] * w[i];
        }

        return (w, intercept);
    }
}
