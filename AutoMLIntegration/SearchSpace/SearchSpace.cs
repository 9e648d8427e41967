using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MLExtensions.AutoML;

/// <summary>
/// A search space (ML.NET AutoML's <c>SearchSpace</c>): named options, kept in ordinal key order, each a numeric range, a
/// choice, a one-of or a nested search space. Its feature vector concatenates the options' coordinates in key order,
/// depth first (a one-of: its selector, then each branch in branch order); <see cref="Dimensions"/> describes them and
/// <see cref="IsActive"/> tells which apply to a point.
/// </summary>
public class SearchSpace : OptionBase, IDictionary<string, OptionBase>
{
    private readonly SortedDictionary<string, OptionBase> _options = new(StringComparer.Ordinal);
    private readonly Parameter? _defaultParameter;
    private readonly Lazy<Parameter?>? _memberValues;

    /// <summary>An empty search space.</summary>
    public SearchSpace()
    {
    }

    /// <summary>A search space with the given options.</summary>
    /// <exception cref="ArgumentException">A key is empty or repeated, or an option is null.</exception>
    public SearchSpace(params KeyValuePair<string, OptionBase>[] options)
        : this((IEnumerable<KeyValuePair<string, OptionBase>>)options)
    {
    }

    /// <summary>A search space with the given options.</summary>
    /// <exception cref="ArgumentException">A key is empty or repeated, or an option is null.</exception>
    public SearchSpace(IEnumerable<KeyValuePair<string, OptionBase>> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, option) in options)
        {
            Add(key, option);
        }
    }

    /// <summary>A search space built from the attributes of <paramref name="optionsType"/>'s public instance members;
    /// <paramref name="defaultParameter"/> fills the members not searched.
    /// <paramref name="memberValues"/> holds every member's value when none is searched (the default parameter, or
    /// <c>new T()</c>'s), against which a hand-written parameter's unsearched members are checked.</summary>
    private protected SearchSpace(Type optionsType, Parameter? defaultParameter, Func<Parameter> memberValues)
    {
        foreach (var (key, option) in AttributeSearchSpace.OptionsOf(optionsType, []))
        {
            _options.Add(key, option);
        }

        _defaultParameter = defaultParameter;
        _memberValues = new Lazy<Parameter?>(memberValues);
    }

    /// <summary>The sum of the options' dimensions.</summary>
    public override int FeatureSpaceDim => _options.Values.Sum(o => o.FeatureSpaceDim);

    /// <summary>The options' default points, concatenated in key order.</summary>
    public override double[] Default => _options.Values.SelectMany(o => o.Default).ToArray();

    /// <summary>The options' steps, concatenated in key order.</summary>
    public override int?[] Step => _options.Values.SelectMany(o => o.Step).ToArray();

    /// <summary>Every coordinate of the feature vector, in order; a one-of's selector precedes its branches' coordinates.</summary>
    public IReadOnlyList<FeatureDimension> Dimensions
    {
        get
        {
            var dims = new List<FeatureDimension>();
            AppendDimensions(string.Empty, dims, null, null);
            return dims;
        }
    }

    /// <summary>The keys, in ordinal order.</summary>
    public ICollection<string> Keys => _options.Keys;

    /// <summary>The options, in key order.</summary>
    public ICollection<OptionBase> Values => _options.Values;

    /// <summary>The number of options (top-level keys).</summary>
    public int Count => _options.Count;

    /// <summary>False: options can be added and removed.</summary>
    public bool IsReadOnly => false;

    /// <summary>The option named <paramref name="key"/>; setting adds or replaces it.</summary>
    /// <exception cref="KeyNotFoundException">There is no such option.</exception>
    public OptionBase this[string key]
    {
        get => _options.TryGetValue(key, out var option)
            ? option
            : throw new KeyNotFoundException($"The search space has no option '{key}'; options: {string.Join(", ", _options.Keys)}.");
        set
        {
            CheckKey(key);
            _options[key] = value ?? throw new ArgumentNullException(nameof(value), $"The option '{key}' cannot be null.");
        }
    }

    /// <summary>Which coordinates of <paramref name="x"/> are active: those outside any one-of, and those of the branches
    /// that the (active) selectors choose.</summary>
    /// <exception cref="ArgumentException">The length is wrong, or an active selector is not in [0, 1].</exception>
    public bool[] IsActive(double[] x)
    {
        var dims = Dimensions;
        CheckLength(x, dims.Count, "The search space");
        return ActiveOf(x, dims);
    }

    /// <summary>The parameter at <paramref name="x"/>: an object keyed by option name. Inactive coordinates are ignored
    /// (they may be NaN).</summary>
    /// <exception cref="ArgumentException">The length is wrong, or an active coordinate is not in [0, 1] (the message
    /// names its path).</exception>
    public override Parameter SampleFromFeatureSpace(double[] x)
    {
        var dims = Dimensions;
        CheckLength(x, dims.Count, "The search space");
        var active = ActiveOf(x, dims);
        for (var i = 0; i < dims.Count; i++)
        {
            if (active[i] && !(x[i] >= 0 && x[i] <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(x), x[i], $"Feature dimension {i} ('{dims[i].Path}') is active and must be in [0, 1].");
            }
        }

        var parameter = Parameter.CreateNestedParameter();
        var offset = 0;
        foreach (var (key, option) in _options)
        {
            var n = option.FeatureSpaceDim;
            parameter[key] = option.SampleFromFeatureSpace(x[offset..(offset + n)]);
            offset += n;
        }

        return _defaultParameter is null ? parameter : Merge(_defaultParameter, parameter);
    }

    /// <summary>
    /// The parameter that <paramref name="partial"/> describes, with every option it leaves out at its default: a nested
    /// space's missing keys at theirs, a one-of at the branch its <c>Kind</c> names (or its default branch) with that branch's
    /// missing keys at their defaults. The values given are kept as they are, and the whole is checked to lie in the space.
    /// This is how a trial is written by hand (<see cref="AutoMLExperiment.EnqueueTrial"/>): only the values that matter.
    /// </summary>
    /// <param name="partial">An object parameter, e.g. <c>{ "LearningRate": 0.01 }</c>; an empty one gives the defaults.</param>
    /// <exception cref="ArgumentException">A key is not an option (or differs from a value the space fixes), a one-of's
    /// <c>Kind</c> names no branch, or a value is outside its option (each message names the key's path).</exception>
    public Parameter CompleteParameter(Parameter partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        var complete = Complete(partial, string.Empty);
        MappingToFeatureSpace(complete);
        return complete;
    }

    internal override Parameter Complete(Parameter? partial, string path)
    {
        if (partial is not null && partial.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException(
                $"{(path.Length == 0 ? "The parameter" : $"'{path}'")} must be an object of options ({string.Join(", ", _options.Keys)}); got {partial.ToJson()}.",
                nameof(partial));
        }

        foreach (var (key, value) in partial ?? Parameter.CreateNestedParameter())
        {
            if (_options.ContainsKey(key))
            {
                continue;
            }

            string at = path.Length == 0 ? key : $"{path}.{key}";
            if (_memberValues?.Value is { } members && members.TryGetValue(key, out var fixedValue))
            {
                if (!fixedValue.Equals(value))
                {
                    throw new ArgumentException($"'{at}' is not searched: the space fixes it at {fixedValue.ToJson()}, so a trial cannot set {value.ToJson()}.", nameof(partial));
                }

                continue;
            }

            throw new ArgumentException($"'{at}' is not an option of the search space; its options are: {string.Join(", ", _options.Keys)}.", nameof(partial));
        }

        var result = Parameter.CreateNestedParameter();
        foreach (var (key, option) in _options)
        {
            Parameter? given = null;
            partial?.TryGetValue(key, out given);
            result[key] = option.Complete(given, path.Length == 0 ? key : $"{path}.{key}");
        }

        return _defaultParameter is null ? result : Merge(_defaultParameter, result);
    }

    /// <summary>The feature point of <paramref name="parameter"/> (NaN for inactive coordinates). Keys of the parameter
    /// that are not options are ignored.</summary>
    /// <exception cref="ArgumentException">The parameter is not an object, lacks an option's key, or holds a value the
    /// option cannot map (the message names the key).</exception>
    public override double[] MappingToFeatureSpace(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.ParameterType != ParameterType.Object)
        {
            throw new ArgumentException($"A search space maps an Object parameter; got {parameter.ParameterType} {parameter.ToJson()}.", nameof(parameter));
        }

        var result = new List<double>(FeatureSpaceDim);
        foreach (var (key, option) in _options)
        {
            if (!parameter.TryGetValue(key, out var child))
            {
                throw new ArgumentException($"The parameter has no value for option '{key}'; it has: {string.Join(", ", parameter.Keys)}.", nameof(parameter));
            }

            try
            {
                result.AddRange(option.MappingToFeatureSpace(child));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Option '{key}': {e.Message}", nameof(parameter), e);
            }
        }

        return [.. result];
    }

    /// <summary>This space in ML.NET's runtime JSON format, with our extension for one-of options (see
    /// <c>AutoMLIntegration/README.md</c>).</summary>
    public string ToJson() => SearchSpaceJson.Write(this).ToJsonString();

    /// <summary>Reads a space written by <see cref="ToJson"/> or by ML.NET's search-space converter.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or an option in it is invalid (the message gives its path).</exception>
    public static SearchSpace FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"Search space JSON is not valid JSON: {e.Message}", nameof(json), e);
        }

        return SearchSpaceJson.ReadSpace(node, "$");
    }

    /// <summary>Adds an option.</summary>
    /// <exception cref="ArgumentException">The key is empty or already present, or the option is null.</exception>
    public void Add(string key, OptionBase value)
    {
        CheckKey(key);
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value), $"The option '{key}' cannot be null.");
        }

        if (!_options.TryAdd(key, value))
        {
            throw new ArgumentException($"The search space already has an option '{key}'.", nameof(key));
        }
    }

    /// <inheritdoc/>
    public void Add(KeyValuePair<string, OptionBase> item) => Add(item.Key, item.Value);

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _options.ContainsKey(key);

    /// <inheritdoc/>
    public bool Remove(string key) => _options.Remove(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out OptionBase value) => _options.TryGetValue(key, out value);

    /// <inheritdoc/>
    public void Clear() => _options.Clear();

    /// <inheritdoc/>
    public bool Contains(KeyValuePair<string, OptionBase> item) => ((ICollection<KeyValuePair<string, OptionBase>>)_options).Contains(item);

    /// <inheritdoc/>
    public void CopyTo(KeyValuePair<string, OptionBase>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, OptionBase>>)_options).CopyTo(array, arrayIndex);

    /// <inheritdoc/>
    public bool Remove(KeyValuePair<string, OptionBase> item) => ((ICollection<KeyValuePair<string, OptionBase>>)_options).Remove(item);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, OptionBase>> GetEnumerator() => _options.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override void AppendDimensions(string path, List<FeatureDimension> dims, int? parentIndex, int? parentChoice)
    {
        foreach (var (key, option) in _options)
        {
            option.AppendDimensions(path.Length == 0 ? key : $"{path}.{key}", dims, parentIndex, parentChoice);
        }
    }

    /// <summary>The active flags of <paramref name="x"/> for <paramref name="dims"/> (parents come first).</summary>
    internal static bool[] ActiveOf(double[] x, IReadOnlyList<FeatureDimension> dims)
    {
        var active = new bool[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            var d = dims[i];
            if (d.ParentIndex is not { } p)
            {
                active[i] = true;
                continue;
            }

            if (!active[p])
            {
                continue;
            }

            var selector = x[p];
            if (!(selector >= 0 && selector <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(x), selector, $"Feature dimension {p} ('{dims[p].Path}') selects a one-of branch and must be in [0, 1].");
            }

            active[i] = FeatureDimension.ChoiceIndex(selector, dims[p].ChoiceCount!.Value) == d.ParentChoice;
        }

        return active;
    }

    /// <summary>The default parameter overridden by the sampled one (objects merge key by key; sampled values win).</summary>
    private static Parameter Merge(Parameter defaults, Parameter sampled)
    {
        if (defaults.ParameterType != ParameterType.Object || sampled.ParameterType != ParameterType.Object)
        {
            return sampled;
        }

        var result = Parameter.CreateNestedParameter();
        foreach (var (key, value) in defaults)
        {
            result[key] = value;
        }

        foreach (var (key, value) in sampled)
        {
            result[key] = defaults.TryGetValue(key, out var d) ? Merge(d, value) : value;
        }

        return result;
    }

    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("Search space keys must be non-empty.", nameof(key));
        }
    }
}
