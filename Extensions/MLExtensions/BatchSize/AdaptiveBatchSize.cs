namespace MLExtensions;

/// <summary>
/// AdAdaGrad's adaptive batch size (Lau, Liu and Kolar 2024, D3): every <paramref name="TestInterval"/> steps the loop computes the
/// step's per-sample gradients (analytically for the MLP's layers, no loop over samples) and runs <paramref name="Test"/>; when it
/// fails, the batch grows to the size the test asks for. The batch only grows, up to <paramref name="MaxBatchSize"/>; the
/// schedule's progress is then measured in samples. Needs per-sample gradients, so not with batch norm.
/// </summary>
/// <param name="Test">Which test. Default <see cref="AdaptiveBatchSizeTest.Norm"/>.</param>
/// <param name="Eta">η of the norm test. Default 0.1 (the paper's); greater than 0.</param>
/// <param name="Theta">θ of the inner-product test. Default 0.1; greater than 0.</param>
/// <param name="Nu">ν of the orthogonality part of the augmented test. Default 0.1; greater than 0.</param>
/// <param name="MaxBatchSize">Largest batch. Default <c>null</c>: the training rows; at least 1 when set (the training rows cap it too).</param>
/// <param name="TestInterval">Steps between tests. Default 1 (every step, the paper's); at least 1.</param>
public sealed record AdaptiveBatchSize(
    AdaptiveBatchSizeTest Test = AdaptiveBatchSizeTest.Norm,
    double Eta = 0.1,
    double Theta = 0.1,
    double Nu = 0.1,
    int? MaxBatchSize = null,
    int TestInterval = 1) : BatchSizePolicySpec
{
    /// <inheritdoc />
    public override void Validate()
    {
        if (!Enum.IsDefined(Test))
            throw new ArgumentOutOfRangeException(nameof(Test), Test, $"Allowed: {string.Join(", ", Enum.GetNames<AdaptiveBatchSizeTest>())}.");
        RequirePositive(Eta, nameof(Eta));
        RequirePositive(Theta, nameof(Theta));
        RequirePositive(Nu, nameof(Nu));
        if (MaxBatchSize is { } max && max < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), max, "MaxBatchSize must be at least 1 (or null for the training rows).");
        if (TestInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(TestInterval), TestInterval, "TestInterval must be at least 1.");
    }

    /// <inheritdoc />
    public override IBatchSizePolicy CreatePolicy(int initialBatchSize, int trainingRows)
    {
        Validate();
        CheckSizes(initialBatchSize, trainingRows);
        int max = Math.Min(MaxBatchSize ?? trainingRows, trainingRows);
        return new AdaptiveBatchSizePolicy(this, Math.Min(initialBatchSize, max), max);
    }

    /// <summary>The batch size the test asks for, before rounding up: passing means it is at most the current batch size. A zero
    /// mean gradient with nonzero variance asks for +∞; with zero variance, for 0.</summary>
    internal double RequiredBatchSize(GradientNoiseStatistics s)
    {
        double g2 = s.MeanGradientSquaredNorm;
        double norm() => Ratio(s.SumOfVariances, Eta * Eta * g2);
        double innerProduct() => Ratio(s.InnerProductVariance, Theta * Theta * g2 * g2);
        double orthogonal() => Ratio(s.OrthogonalVariance, Nu * Nu * g2);
        return Test switch
        {
            AdaptiveBatchSizeTest.Norm => norm(),
            AdaptiveBatchSizeTest.InnerProduct => innerProduct(),
            _ => Math.Max(innerProduct(), orthogonal()),
        };
    }

    private static double Ratio(double variance, double threshold) =>
        threshold > 0 ? variance / threshold : variance > 0 ? double.PositiveInfinity : 0;

    private static void RequirePositive(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0.");
    }
}
