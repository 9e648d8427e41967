using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLExtensions.Optimizers;

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

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or names an unknown optimizer.</exception>
    public static OptimizerSpec FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<OptimizerSpec>(json)
                   ?? throw new ArgumentException("The optimizer JSON is null.", nameof(json));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Invalid optimizer JSON: {ex.Message} Allowed kinds: {string.Join(", ", Names.Order())}.", nameof(json), ex);
        }
    }
}
