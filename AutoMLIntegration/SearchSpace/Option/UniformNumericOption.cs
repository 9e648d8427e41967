using System.Globalization;

namespace MLExtensions.AutoML;

/// <summary>
/// A numeric range mapped from one coordinate x in [0, 1] (ML.NET's mapping): linear <c>min + (max − min)·x</c>, or on a
/// log scale <c>min·(max/min)^x</c>. Unlike ML.NET's shipped build, the constructor validates its arguments.
/// </summary>
public abstract class UniformNumericOption : OptionBase
{
    private double[] _default;
    private double? _defaultValue;

    /// <summary>Validates and stores the range.</summary>
    /// <exception cref="ArgumentException">min or max is not finite, min ≥ max, or <paramref name="logBase"/> with min ≤ 0.</exception>
    private protected UniformNumericOption(double min, double max, bool logBase)
    {
        if (!double.IsFinite(min))
        {
            throw new ArgumentException($"min must be finite; got {min}.", nameof(min));
        }

        if (!double.IsFinite(max))
        {
            throw new ArgumentException($"max must be finite; got {max}.", nameof(max));
        }

        if (!(min < max))
        {
            throw new ArgumentException($"max must be larger than min; got min = {F(min)}, max = {F(max)}.", nameof(max));
        }

        if (logBase && !(min > 0))
        {
            throw new ArgumentException($"min must be larger than 0 on a log scale (logBase = true); got min = {F(min)}.", nameof(min));
        }

        Min = min;
        Max = max;
        LogBase = logBase;
        _default = [0.0];
    }

    /// <summary>The smallest value.</summary>
    public double Min { get; }

    /// <summary>The largest value.</summary>
    public double Max { get; }

    /// <summary>Whether values are spread on a log scale.</summary>
    public bool LogBase { get; }

    /// <inheritdoc/>
    public override int FeatureSpaceDim => 1;

    /// <summary>The default point: 0 (the minimum) unless a default value was given.</summary>
    public override double[] Default => [.. _default];

    /// <inheritdoc/>
    public override int?[] Step => [null];

    /// <summary>The value at x (before any rounding of integer options).</summary>
    private protected double ValueAt(double[] x)
    {
        CheckLength(x, 1, GetType().Name);
        CheckUnit(x[0], $"{GetType().Name} [{F(Min)}, {F(Max)}]");
        if (_defaultValue is { } d && x[0] == _default[0])
        {
            return d; // the default point gives the default value exactly, not one rounding away from it
        }

        var value = LogBase ? Min * Math.Pow(Max / Min, x[0]) : Min + ((Max - Min) * x[0]);
        return Math.Clamp(value, Min, Max);
    }

    /// <summary>The coordinate of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [min, max].</exception>
    private protected double[] CoordinateOf(double value, string paramName)
    {
        if (!(value >= Min && value <= Max))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{F(value)} is outside the range [{F(Min)}, {F(Max)}] of this {GetType().Name}.");
        }

        var x = LogBase ? (Math.Log(value) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min)) : (value - Min) / (Max - Min);
        return [Math.Clamp(x, 0, 1)];
    }

    /// <summary>Sets the default from a default value (validated against the range).</summary>
    private protected void SetDefault(double value, string paramName)
    {
        if (!(value >= Min && value <= Max))
        {
            throw new ArgumentException($"The default value {F(value)} is outside the range [{F(Min)}, {F(Max)}].", paramName);
        }

        _default = CoordinateOf(value, paramName);
        _defaultValue = value;
    }

    /// <summary>Reads a number from an Integer or Number parameter.</summary>
    private protected static double NumberOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.ParameterType is ParameterType.Integer or ParameterType.Number
            ? parameter.AsType<double>()
            : throw new ArgumentException($"A numeric option needs an Integer or Number parameter; got {parameter.ParameterType} {parameter.ToJson()}.", nameof(parameter));
    }

    internal override void AppendDimensions(string path, List<FeatureDimension> dims, int? parentIndex, int? parentChoice) =>
        dims.Add(new FeatureDimension(path, dims.Count, null, parentIndex, parentIndex is null ? null : parentChoice, _default[0], LogBase)
        {
            IntegerRange = this is UniformIntOption ? (Min, Max) : null,
        });

    private protected static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
