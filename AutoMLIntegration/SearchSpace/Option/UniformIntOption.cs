namespace MLExtensions.AutoML;

/// <summary>
/// An integer range (ML.NET's <c>UniformIntOption</c>): the numeric mapping, then floor (with ML.NET's 1e-6 tolerance),
/// so <c>max</c> is reached only at x = 1. The parameter is an Integer.
/// </summary>
public sealed class UniformIntOption : UniformNumericOption
{
    /// <summary>An integer range [<paramref name="min"/>, <paramref name="max"/>], optionally log-scaled, with an optional
    /// default value (else the default is <paramref name="min"/>).</summary>
    /// <exception cref="ArgumentException">Invalid range, or a default outside it.</exception>
    public UniformIntOption(int min, int max, bool logBase = false, int? defaultValue = null)
        : base(min, max, logBase)
    {
        if (defaultValue is { } d)
        {
            SetDefault(d, nameof(defaultValue));
        }
    }

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(double[] x)
    {
        var value = (long)Math.Floor(ValueAt(x) + 1e-6);
        return Parameter.FromInt(Math.Clamp(value, (long)Min, (long)Max));
    }

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => CoordinateOf(NumberOf(parameter), nameof(parameter));
}
