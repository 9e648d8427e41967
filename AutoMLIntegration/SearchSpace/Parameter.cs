using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLExtensions.AutoML;

/// <summary>
/// A sampled hyperparameter value or a named tree of them (ML.NET AutoML's <c>Parameter</c>): what a tuner proposes, a
/// trial runs with and the trial history stores. Serializes to plain JSON exactly (numbers round-trip bit for bit), and
/// converts to an options object with <see cref="AsType{T}"/>. Keys are kept in ordinal order.
/// </summary>
/// <remarks>
/// The kind survives a JSON round trip: a <see cref="ParameterType.Number"/> with an integral value is written with a
/// fraction (<c>FromDouble(1.0)</c> → <c>1.0</c>, where System.Text.Json writes <c>1</c>), so it reads back as a Number, and
/// an <see cref="ParameterType.Integer"/> is written without one. Numbers must be finite (JSON has no NaN or infinity).
/// </remarks>
public sealed class Parameter : IReadOnlyDictionary<string, Parameter>, IEquatable<Parameter>
{
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        IncludeFields = true, // ML.NET options classes use public fields
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() }, // enums by name, both ways
    };

    private readonly object? _value;                                   // long, double, string, bool, List<Parameter>
    private readonly SortedDictionary<string, Parameter>? _children;   // for Object

    private Parameter(ParameterType type, object? value, SortedDictionary<string, Parameter>? children)
    {
        ParameterType = type;
        _value = value;
        _children = children;
    }

    /// <summary>What this parameter holds.</summary>
    public ParameterType ParameterType { get; }

    /// <summary>An integer parameter.</summary>
    public static Parameter FromInt(long value) => new(ParameterType.Integer, value, null);

    /// <summary>A floating-point parameter.</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite.</exception>
    public static Parameter FromDouble(double value) => double.IsFinite(value)
        ? new(ParameterType.Number, value, null)
        : throw new ArgumentException($"A Number parameter must be finite; got {value}.", nameof(value));

    /// <summary>A floating-point parameter (the float's exact value as a double).</summary>
    /// <exception cref="ArgumentException">The value is NaN or infinite.</exception>
    public static Parameter FromFloat(float value) => FromDouble(value);

    /// <summary>A string parameter.</summary>
    public static Parameter FromString(string value) =>
        new(ParameterType.String, value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A Boolean parameter.</summary>
    public static Parameter FromBool(bool value) => new(ParameterType.Bool, value, null);

    /// <summary>An array parameter.</summary>
    public static Parameter FromArray(IEnumerable<Parameter> items) =>
        new(ParameterType.Array, (items ?? throw new ArgumentNullException(nameof(items))).ToList(), null);

    /// <summary>An empty object parameter; add children with the indexer.</summary>
    public static Parameter CreateNestedParameter() => new(ParameterType.Object, null, new SortedDictionary<string, Parameter>(StringComparer.Ordinal));

    /// <summary>An object parameter with the given children.</summary>
    public static Parameter CreateNestedParameter(params KeyValuePair<string, Parameter>[] children)
    {
        var p = CreateNestedParameter();
        foreach (var (key, child) in children)
        {
            p[key] = child;
        }

        return p;
    }

    /// <summary>The parameter of an object's public properties (through System.Text.Json), e.g. an options class.</summary>
    public static Parameter FromObject<T>(T value) where T : class =>
        FromJsonNode(JsonSerializer.SerializeToNode(value ?? throw new ArgumentNullException(nameof(value)), SerializerOptions), nameof(value));

    /// <summary>Parses the JSON that <see cref="ToJson"/> writes.</summary>
    /// <exception cref="ArgumentException">The text is not JSON, or holds a null.</exception>
    public static Parameter FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Parameter JSON is not valid JSON: {e.Message}", nameof(json), e);
        }

        return FromJsonNode(node, nameof(json));
    }

    /// <summary>The child named <paramref name="key"/> of an object parameter; setting adds or replaces it.</summary>
    /// <exception cref="InvalidOperationException">This parameter is not an object.</exception>
    /// <exception cref="KeyNotFoundException">There is no such child.</exception>
    public Parameter this[string key]
    {
        get => Children.TryGetValue(key, out var child)
            ? child
            : throw new KeyNotFoundException($"Parameter has no key '{key}'; keys: {string.Join(", ", Children.Keys)}.");
        set => Children[key ?? throw new ArgumentNullException(nameof(key))] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The keys of an object parameter (ordinal order); empty for other kinds.</summary>
    public IEnumerable<string> Keys => _children?.Keys ?? Enumerable.Empty<string>();

    /// <summary>The children of an object parameter, in key order; empty for other kinds.</summary>
    public IEnumerable<Parameter> Values => _children?.Values ?? Enumerable.Empty<Parameter>();

    /// <summary>The number of children of an object parameter; 0 for other kinds.</summary>
    public int Count => _children?.Count ?? 0;

    private SortedDictionary<string, Parameter> Children => _children
        ?? throw new InvalidOperationException($"A parameter of type {ParameterType} has no keys; only Object parameters do.");

    /// <summary>Whether an object parameter has a child named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _children?.ContainsKey(key) ?? false;

    /// <summary>Gets the child named <paramref name="key"/> of an object parameter, if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Parameter value)
    {
        if (_children is null)
        {
            value = null;
            return false;
        }

        return _children.TryGetValue(key, out value);
    }

    /// <summary>The value as <typeparamref name="T"/>: a number, string, Boolean, enum (by name), array or options class.</summary>
    /// <exception cref="InvalidOperationException">The value cannot be converted to <typeparamref name="T"/>.</exception>
    public T AsType<T>()
    {
        try
        {
            var result = ToJsonNode().Deserialize<T>(SerializerOptions);
            return result ?? throw new InvalidOperationException($"Parameter {ToJson()} converts to null as {typeof(T).Name}.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or FormatException)
        {
            throw new InvalidOperationException($"Parameter {ToJson()} cannot be converted to {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>The exact JSON of this parameter (objects with ordinal-sorted keys, numbers round-tripping, a Number
    /// always with a fraction or exponent so that it reads back as a Number).</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <see cref="ToJson"/>'s JSON to <paramref name="writer"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (ParameterType)
        {
            case ParameterType.Integer:
                writer.WriteNumberValue((long)_value!);
                break;
            case ParameterType.Number:
                var d = (double)_value!;
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                if (text.AsSpan().IndexOfAny('.', 'E', 'e') < 0)
                {
                    writer.WriteRawValue(text + ".0");
                }
                else
                {
                    writer.WriteNumberValue(d);
                }

                break;
            case ParameterType.String:
                writer.WriteStringValue((string)_value!);
                break;
            case ParameterType.Bool:
                writer.WriteBooleanValue((bool)_value!);
                break;
            case ParameterType.Array:
                writer.WriteStartArray();
                foreach (var item in (List<Parameter>)_value!)
                {
                    item.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                foreach (var (key, child) in _children!)
                {
                    writer.WritePropertyName(key);
                    child.WriteTo(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson();

    /// <summary>Structural equality: same kind, same values, same keys and children.</summary>
    public bool Equals(Parameter? other) => other is not null && ToJson() == other.ToJson();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Parameter);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToJson());

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() =>
        (_children ?? new SortedDictionary<string, Parameter>(StringComparer.Ordinal)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal JsonNode ToJsonNode() => ParameterType switch
    {
        ParameterType.Integer => JsonValue.Create((long)_value!),
        ParameterType.Number => JsonValue.Create((double)_value!),
        ParameterType.String => JsonValue.Create((string)_value!),
        ParameterType.Bool => JsonValue.Create((bool)_value!),
        ParameterType.Array => new JsonArray(((List<Parameter>)_value!).Select(p => (JsonNode?)p.ToJsonNode()).ToArray()),
        _ => new JsonObject(_children!.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToJsonNode()))),
    };

    internal static Parameter FromJsonNode(JsonNode? node, string paramName)
    {
        switch (node)
        {
            case null:
                throw new ArgumentException("A parameter cannot be null.", paramName);
            case JsonObject obj:
                var p = CreateNestedParameter();
                foreach (var (key, child) in obj)
                {
                    if (child is null)
                    {
                        continue; // an options member left null is not a parameter
                    }

                    p[key] = FromJsonNode(child, paramName);
                }

                return p;
            case JsonArray array:
                return FromArray(array.Select(item => FromJsonNode(item, paramName)));
            default:
                var value = node.AsValue();
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        return FromString(value.GetValue<object>() is JsonElement e ? e.GetString()! : value.GetValue<string>());
                    case JsonValueKind.True:
                        return FromBool(true);
                    case JsonValueKind.False:
                        return FromBool(false);
                    case JsonValueKind.Number:
                        var text = value.ToJsonString();
                        if (value.TryGetValue<long>(out var l) || (!text.Contains('.') && !text.Contains('e') && !text.Contains('E')
                            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out l)))
                        {
                            return FromInt(l);
                        }

                        var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                        return double.IsFinite(number)
                            ? FromDouble(number)
                            : throw new ArgumentException($"The number {text} is out of the range of a double.", paramName);
                    default:
                        throw new ArgumentException($"Unsupported JSON value '{value.ToJsonString()}' in a parameter.", paramName);
                }
        }
    }
}
