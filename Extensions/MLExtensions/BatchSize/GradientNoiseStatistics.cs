namespace MLExtensions;

/// <summary>
/// Sums over the per-sample gradients g_i (i = 1..n) of one batch, with ḡ their mean (the batch gradient), from which the
/// AdAdaGrad tests read their variances. For a weighted loss, g_i is n times sample i's share of the batch gradient, so ḡ is
/// still their mean. All are over the whole parameter vector.
/// </summary>
/// <param name="SampleCount">n, the batch's rows.</param>
/// <param name="MeanGradientSquaredNorm">‖ḡ‖².</param>
/// <param name="SumSquaredNorms">Σ_i ‖g_i‖².</param>
/// <param name="SumInnerProducts">Σ_i ⟨g_i, ḡ⟩ (n‖ḡ‖² up to rounding).</param>
/// <param name="SumSquaredInnerProducts">Σ_i ⟨g_i, ḡ⟩².</param>
public readonly record struct GradientNoiseStatistics(
    int SampleCount,
    double MeanGradientSquaredNorm,
    double SumSquaredNorms,
    double SumInnerProducts,
    double SumSquaredInnerProducts)
{
    /// <summary>Σ over coordinates of the unbiased sample variance of g_i: (Σ‖g_i‖² − n‖ḡ‖²)/(n − 1); 0 for one sample.</summary>
    public double SumOfVariances => SampleCount < 2 ? 0 : Math.Max(0, SumSquaredNorms - SampleCount * MeanGradientSquaredNorm) / (SampleCount - 1);

    /// <summary>The unbiased sample variance of ⟨g_i, ḡ⟩; 0 for one sample.</summary>
    public double InnerProductVariance
    {
        get
        {
            if (SampleCount < 2) return 0;
            double mean = SumInnerProducts / SampleCount;
            return Math.Max(0, SumSquaredInnerProducts - SampleCount * mean * mean) / (SampleCount - 1);
        }
    }

    /// <summary>Σ over coordinates of the unbiased sample variance of g_i − ⟨g_i, ḡ⟩ḡ/‖ḡ‖² (the orthogonal part, whose mean is 0):
    /// (Σ‖g_i‖² − Σ⟨g_i, ḡ⟩²/‖ḡ‖²)/(n − 1); 0 for one sample or a zero mean gradient.</summary>
    public double OrthogonalVariance => SampleCount < 2 || !(MeanGradientSquaredNorm > 0)
        ? 0
        : Math.Max(0, SumSquaredNorms - SumSquaredInnerProducts / MeanGradientSquaredNorm) / (SampleCount - 1);
}
