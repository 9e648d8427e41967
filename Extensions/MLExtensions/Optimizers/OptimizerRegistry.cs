using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MLExtensions;

/// <summary>Maps optimizer names to their spec types, and reads/writes specs as JSON.</summary>
/// <remarks>The names are the <see cref="JsonDerivedTypeAttribute"/> discriminators declared on <see cref="OptimizerSpec"/>.</remarks>
public static class OptimizerRegistry
{
    private static readonly FrozenDictionary<string, Type> s_byName = typeof(OptimizerSpec)
        .GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false)
        .Cast<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The registered optimizer names, e.g. <c>sgd</c>, <c>adam</c>, <c>adamw</c>.</summary>
    public static IReadOnlyCollection<string> Names => s_byName.Keys;

    /// <summary>Creates the spec registered under <paramref name="name"/> with its default hyperparameters.</summary>
    /// <exception cref="ArgumentException">No optimizer has that name; the message lists the allowed names.</exception>
    public static OptimizerSpec CreateDefault(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!s_byName.TryGetValue(name, out var type))
            throw new ArgumentException($"Unknown optimizer '{name}'. Allowed: {string.Join(", ", Names.Order())}.", nameof(name));
        // Every spec is a positional record whose parameters all have defaults.
        var ctor = type.GetConstructors().Single(c => c.GetParameters().Length > 0 && c.GetParameters().All(p => p.HasDefaultValue));
        return (OptimizerSpec)ctor.Invoke(ctor.GetParameters().Select(p => p.DefaultValue).ToArray());
    }

    /// <summary>Serializes a spec to JSON with its <c>kind</c> discriminator.</summary>
    public static string ToJson(OptimizerSpec spec) => JsonSerializer.Serialize(spec);

    /// <summary>Reads a spec written by <see cref="ToJson"/> (or by hand).</summary>
    /// <remarks>
    /// Every object that describes a spec, nested ones such as <see cref="CoordinateClippingSpec.Inner"/> included, needs a
    /// <c>"kind"</c> member, which may appear anywhere in the object. Member names are case-sensitive, as <see cref="ToJson"/>
    /// writes them; a member the spec does not have (a typo such as <c>"LearnigRate"</c>) or a repeated member is an error,
    /// never silently ignored. Hyperparameters left out take their defaults.
    /// </remarks>
    /// <exception cref="ArgumentException">The JSON is malformed, lacks a <c>"kind"</c>, names an unknown optimizer or has a
    /// member the spec does not have; the message gives the JSON path and lists what is allowed there.</exception>
    public static OptimizerSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using (var document = JsonDocument.Parse(json))
                CheckSpecObject(document.RootElement, "$");
            return JsonSerializer.Deserialize<OptimizerSpec>(json, s_readOptions)
                   ?? throw new ArgumentException("The optimizer JSON is null.", nameof(json));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Invalid optimizer JSON: {ex.Message} Allowed kinds: {AllowedKinds}.", nameof(json), ex);
        }
        catch (NotSupportedException ex)
        {
            // Not expected after CheckSpecObject; kept so that the documented exception type holds whatever System.Text.Json says.
            throw new ArgumentException($"Invalid optimizer JSON: {ex.Message} Allowed kinds: {AllowedKinds}.", nameof(json), ex);
        }
    }

    private const string KindMember = "kind";

    // The discriminator may come after other members, and members no spec has are errors (checked first by CheckSpecObject,
    // which gives the better message; these options make the serializer agree with it).
    private static readonly JsonSerializerOptions s_readOptions = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private static readonly FrozenDictionary<string, Type> s_byExactName = s_byName.ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string AllowedKinds => string.Join(", ", Names.Order());

    /// <summary>Checks one JSON object that must describe a spec, and the spec-valued members inside it.</summary>
    private static void CheckSpecObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"The optimizer JSON at {path} must be an object with a \"{KindMember}\" member, not {element.ValueKind}. Allowed kinds: {AllowedKinds}.", "json");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
            if (!seen.Add(member.Name))
                throw new ArgumentException($"The optimizer JSON at {path} has the member \"{member.Name}\" more than once.", "json");
        if (!element.TryGetProperty(KindMember, out var kind))
            throw new ArgumentException($"The optimizer JSON at {path} has no \"{KindMember}\" member naming the optimizer. Allowed kinds: {AllowedKinds}.", "json");
        if (kind.ValueKind != JsonValueKind.String || !s_byExactName.TryGetValue(kind.GetString()!, out var type))
            throw new ArgumentException($"The optimizer JSON at {path} has \"{KindMember}\": {kind.GetRawText()}, which is no optimizer. Allowed kinds (case-sensitive): {AllowedKinds}.", "json");

        var properties = s_readOptions.GetTypeInfo(type).Properties;
        foreach (var member in element.EnumerateObject())
        {
            if (member.Name == KindMember)
                continue;
            var property = properties.FirstOrDefault(p => p.Name == member.Name)
                ?? throw new ArgumentException($"The optimizer JSON at {path} ({kind.GetString()}) has the member \"{member.Name}\", which {type.Name} does not have. Allowed members (case-sensitive): {string.Join(", ", properties.Select(p => p.Name))}.", "json");
            if (typeof(OptimizerSpec).IsAssignableFrom(property.PropertyType) && member.Value.ValueKind != JsonValueKind.Null)
                CheckSpecObject(member.Value, $"{path}.{member.Name}");
        }
    }
}
