namespace MLExtensions.AutoML;

/// <summary>A double range (ML.NET's <c>UniformDoubleOption</c>); the parameter is a Number.</summary>
public sealed class UniformDoubleOption : UniformNumericOption
{
    /// <summary>A double range [<paramref name="min"/>, <paramref name="max"/>], optionally log-scaled, with an optional
    /// default value (else the default is <paramref name="min"/>).</summary>
    /// <exception cref="ArgumentException">Invalid range, or a default outside it.</exception>
    public UniformDoubleOption(double min, double max, bool logBase = false, double? defaultValue = null)
        : base(min, max, logBase)
    {
        if (defaultValue is { } d)
        {
            SetDefault(d, nameof(defaultValue));
        }
    }

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(double[] x) => Parameter.FromDouble(ValueAt(x));

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => CoordinateOf(NumberOf(parameter), nameof(parameter));
}
