namespace MLExtensions;

/// <summary>Rows as GBNN boosts them: features row-major [n×inputs], labels (regression values, binary ±1 or 0-based class indices)
/// and optional example weights (<c>null</c>: every row weighs 1).</summary>
internal readonly record struct GbnnRows(double[] X, double[] Y, double[]? Weights);
