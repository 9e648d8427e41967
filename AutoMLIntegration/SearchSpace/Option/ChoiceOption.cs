namespace MLExtensions.AutoML;

/// <summary>
/// A choice among discrete values (ML.NET's <c>ChoiceOption</c>). Like ML.NET, the choices are kept sorted (strings in
/// ordinal order, where ML.NET uses the culture's order; the two agree on plain lower- or PascalCase names), choice i
/// has the feature value i/n, and x selects choice floor(x·n), clipped to n − 1. A single choice takes no dimension.
/// Unlike ML.NET's shipped build, the choices are validated: at least one, no duplicates, all of one supported type
/// (string, bool, char, an integer or floating-point type, or one enum type).
/// </summary>
public sealed class ChoiceOption : OptionBase
{
    private readonly Parameter[] _parameters;
    private readonly double[] _default;

    /// <summary>A choice among <paramref name="choices"/>; the default is the first choice in sorted order.</summary>
    /// <exception cref="ArgumentException">No choices, a null, duplicates, or values of different or unsupported types.</exception>
    public ChoiceOption(params object[] choices)
        : this(choices, null)
    {
    }

    /// <summary>A choice among <paramref name="choices"/> with a default choice (null: the first in sorted order).</summary>
    /// <exception cref="ArgumentException">Invalid choices, or a default that is not one of them.</exception>
    public ChoiceOption(object[] choices, object? defaultChoice)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException("A choice option needs at least one choice.", nameof(choices));
        }

        if (choices.Any(c => c is null))
        {
            throw new ArgumentException("Choices cannot be null.", nameof(choices));
        }

        var type = choices[0].GetType();
        var mismatch = choices.FirstOrDefault(c => c.GetType() != type);
        if (mismatch is not null)
        {
            throw new ArgumentException(
                $"Choices must all be of one type; got {type.Name} ({choices[0]}) and {mismatch.GetType().Name} ({mismatch}).", nameof(choices));
        }

        if (!IsSupported(type))
        {
            throw new ArgumentException(
                $"Choices of type {type.Name} are not supported; use string, bool, char, an integer or floating-point type, or an enum.", nameof(choices));
        }

        var sorted = type == typeof(string)
            ? choices.OrderBy(c => (string)c, StringComparer.Ordinal).ToArray()
            : choices.OrderBy(c => c, Comparer<object>.Default).ToArray();
        var parameters = sorted.Select(ToParameter).ToArray();
        for (var i = 1; i < parameters.Length; i++)
        {
            if (parameters[i].Equals(parameters[i - 1]))
            {
                throw new ArgumentException($"Choices must not repeat; '{sorted[i]}' appears more than once.", nameof(choices));
            }
        }

        Choices = sorted;
        _parameters = parameters;
        _default = FeatureSpaceDim == 0 ? [] : [0.0];
        if (defaultChoice is not null)
        {
            var index = Array.FindIndex(_parameters, p => p.Equals(ToParameter(defaultChoice)));
            if (index < 0 || defaultChoice.GetType() != type)
            {
                throw new ArgumentException(
                    $"The default choice '{defaultChoice}' is not one of the choices ({string.Join(", ", Choices)}).", nameof(defaultChoice));
            }

            _default = FeatureSpaceDim == 0 ? [] : [index / (double)Choices.Length];
        }
    }

    /// <summary>The choices, sorted.</summary>
    public object[] Choices { get; }

    /// <summary>1, or 0 when there is a single choice.</summary>
    public override int FeatureSpaceDim => Choices.Length == 1 ? 0 : 1;

    /// <summary>The default point: i/n for the default choice i.</summary>
    public override double[] Default => [.. _default];

    /// <summary>The number of choices (one entry even when <see cref="FeatureSpaceDim"/> is 0, as in ML.NET).</summary>
    public override int?[] Step => [Choices.Length];

    /// <inheritdoc/>
    public override Parameter SampleFromFeatureSpace(double[] x)
    {
        CheckLength(x, FeatureSpaceDim, nameof(ChoiceOption));
        if (FeatureSpaceDim == 0)
        {
            return _parameters[0];
        }

        CheckUnit(x[0], $"a choice among {string.Join(", ", Choices)}");
        return _parameters[FeatureDimension.ChoiceIndex(x[0], Choices.Length)];
    }

    /// <inheritdoc/>
    public override double[] MappingToFeatureSpace(Parameter parameter)
    {
        var index = IndexOf(parameter);
        return FeatureSpaceDim == 0 ? [] : [index / (double)Choices.Length];
    }

    /// <summary>The index of <paramref name="parameter"/> among the sorted choices.</summary>
    /// <exception cref="ArgumentException">It is not one of the choices.</exception>
    internal int IndexOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var index = Array.FindIndex(_parameters, p => p.Equals(parameter));
        return index >= 0
            ? index
            : throw new ArgumentException($"{parameter.ToJson()} is not one of the choices ({string.Join(", ", _parameters.Select(p => p.ToJson()))}).", nameof(parameter));
    }

    internal override void AppendDimensions(string path, List<FeatureDimension> dims, int? parentIndex, int? parentChoice)
    {
        if (FeatureSpaceDim == 1)
        {
            dims.Add(new FeatureDimension(path, dims.Count, Choices.Length, parentIndex, parentIndex is null ? null : parentChoice, _default[0], false));
        }
    }

    /// <summary>The parameter of one choice value (an enum by name).</summary>
    internal static Parameter ToParameter(object value) => value switch
    {
        string s => Parameter.FromString(s),
        bool b => Parameter.FromBool(b),
        char c => Parameter.FromString(c.ToString()),
        Enum e => Parameter.FromString(e.ToString()),
        float f => Parameter.FromFloat(f),
        double d => Parameter.FromDouble(d),
        sbyte or byte or short or ushort or int or uint or long => Parameter.FromInt(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Choices of type {value.GetType().Name} are not supported.", nameof(value)),
    };

    private static bool IsSupported(Type type) =>
        type.IsEnum || type == typeof(string) || type == typeof(bool) || type == typeof(char) || type == typeof(float) || type == typeof(double)
        || type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int)
        || type == typeof(uint) || type == typeof(long);
}
