namespace MLExtensions.AutoML;

/// <summary>
/// An option of a search space (ML.NET AutoML's <c>OptionBase</c>): maps a point of the unit cube [0, 1]^d to a
/// <see cref="Parameter"/> and back.
/// </summary>
public abstract class OptionBase
{
    /// <summary>The number of coordinates of this option in the feature space.</summary>
    public abstract int FeatureSpaceDim { get; }

    /// <summary>The default point in the feature space (length <see cref="FeatureSpaceDim"/>).</summary>
    public abstract double[] Default { get; }

    /// <summary>Per coordinate, the number of discrete values (choices), or null for a continuous coordinate.</summary>
    public abstract int?[] Step { get; }

    /// <summary>The parameter at feature point <paramref name="x"/> (length <see cref="FeatureSpaceDim"/>, values in
    /// [0, 1]; coordinates of inactive one-of branches are ignored and may be NaN).</summary>
    /// <exception cref="ArgumentException">The length is wrong or an active value is outside [0, 1].</exception>
    public abstract Parameter SampleFromFeatureSpace(double[] x);

    /// <summary>The feature point of <paramref name="parameter"/>; NaN for the coordinates of inactive one-of branches.</summary>
    /// <exception cref="ArgumentException">The parameter does not belong to this option.</exception>
    public abstract double[] MappingToFeatureSpace(Parameter parameter);

    /// <summary>
    /// <paramref name="partial"/> with what it leaves out at this option's default (null: the default parameter); a value it
    /// gives is kept as it is (<see cref="SearchSpace.CompleteParameter"/> checks the result). <paramref name="path"/> names
    /// this option in messages.
    /// </summary>
    internal virtual Parameter Complete(Parameter? partial, string path) => partial ?? SampleFromFeatureSpace(Default);

    /// <summary>Describes this option's coordinates, starting at <c>dims.Count</c>.</summary>
    internal virtual void AppendDimensions(string path, List<FeatureDimension> dims, int? parentIndex, int? parentChoice)
    {
        var defaults = Default;
        var steps = Step;
        for (var i = 0; i < FeatureSpaceDim; i++)
        {
            var name = FeatureSpaceDim == 1 ? path : $"{path}[{i}]";
            dims.Add(new FeatureDimension(name, dims.Count, steps[i], parentIndex, parentIndex is null ? null : parentChoice, defaults[i], false));
        }
    }

    /// <summary>Throws unless <paramref name="x"/> has <paramref name="expected"/> coordinates.</summary>
    private protected static void CheckLength(double[] x, int expected, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != expected)
        {
            throw new ArgumentException($"{what} has {expected} feature dimension(s), but the point has {x.Length}.", nameof(x));
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1].</summary>
    private protected static void CheckUnit(double value, string what)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException("x", value, $"Feature values of {what} must be in [0, 1].");
        }
    }
}
