namespace MLExtensions;

/// <summary>A fitted linear model <c>y = Intercept + x · Coefficients</c> on the original (unscaled) feature scale.</summary>
/// <param name="Coefficients">One weight per feature.</param>
/// <param name="Intercept">The constant term.</param>
public sealed record LinearModel(IReadOnlyList<double> Coefficients, double Intercept)
{
    /// <summary>Predicts one row.</summary>
    /// <param name="features">The feature values, as many as <see cref="Coefficients"/>.</param>
    /// <returns>The linear prediction.</returns>
    public double Predict(ReadOnlySpan<double> features)
    {
        if (features.Length != Coefficients.Count)
        {
            throw new ArgumentException($"Expected {Coefficients.Count} features, got {features.Length}.", nameof(features));
        }

        double sum = Intercept;
        for (int j = 0; j < features.Length; j++)
        {
            sum += Coefficients[j] * features[j];
        }

        return sum;
    }
}
