namespace MLExtensions.AutoML;

/// <summary>A float range (ML.NET's <c>UniformSingleOption</c>); the parameter is a Number holding a float value.</summary>
public sealed class UniformSingleOption : UniformNumericOption
{
    /// <summary>A float range [<paramref name="min"/>, <paramref name="max"/>], optionally log-scaled, with an optional
    /// default value (else the default is <paramref name="min"/>).</summary>
    /// <exception cref="ArgumentException">Invalid range, or a default outside it.</exception>
    public UniformSingleOption(float min, float max, bool logBase = false, float? defaultValue = null)
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
        var value = (float)ValueAt(x);
        return Parameter.FromFloat(Math.Clamp(value, (float)Min, (float)Max));
    }

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter) => CoordinateOf((float)NumberOf(parameter), nameof(parameter));
}
