using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>
/// Builds a one-of over the kinds of a polymorphic spec family (<see cref="OptimizerSpec"/>,
/// <see cref="LearningRateScheduleSpec"/>) straight from its <see cref="JsonDerivedTypeAttribute"/> registry, so a newly
/// registered kind is searchable without AutoML code. Each kind's branch searches its constructor parameters that (a)
/// carry an ML.NET search-space attribute on the spec's property, declared next to the spec, or (b) have a rule in
/// <see cref="SpecRanges"/> by name; other parameters keep the spec's default. Nested spec members (a wrapper's
/// <c>Inner</c> / <c>After</c>) become a nested one-of over the kinds that wrap nothing. Converts a sampled
/// <see cref="Parameter"/> back to the spec's JSON.
/// </summary>
internal sealed class SpecOneOfBuilder
{
    private readonly Type _baseType;
    private readonly Func<ParameterInfo, JsonNode?> _fixedValue;
    private readonly Dictionary<string, Type> _kinds;
    private readonly Dictionary<string, Dictionary<string, JsonNode>> _fixed = new(StringComparer.Ordinal);
    private string? _defaultKind;

    /// <param name="baseType">The spec base type with the JSON registry.</param>
    /// <param name="fixedValue">The constant for a required parameter without a rule (null: the kind cannot be built).</param>
    /// <param name="ranges">The rules by parameter name.</param>
    internal SpecOneOfBuilder(Type baseType, SpecRanges ranges, Func<ParameterInfo, JsonNode?> fixedValue)
    {
        _baseType = baseType;
        Ranges = ranges;
        _fixedValue = fixedValue;
        _kinds = baseType.GetCustomAttributes<JsonDerivedTypeAttribute>(false)
            .ToDictionary(a => (string)a.TypeDiscriminator!, a => a.DerivedType, StringComparer.Ordinal);
        DiscriminatorName = baseType.GetCustomAttribute<JsonPolymorphicAttribute>()?.TypeDiscriminatorPropertyName ?? "$type";
    }

    internal SpecRanges Ranges { get; }

    /// <summary>The JSON discriminator member (<c>kind</c>).</summary>
    internal string DiscriminatorName { get; }

    /// <summary>Every registered kind, in registry order.</summary>
    internal IReadOnlyList<string> RegisteredKinds => _kinds.Keys.ToList();

    /// <summary>Kinds that cannot be searched, with the reason.</summary>
    internal Dictionary<string, string> Excluded { get; } = new(StringComparer.Ordinal);

    /// <summary>The one-of over <paramref name="kinds"/> (null: every registered kind that can be built).</summary>
    internal OneOfOption Build(IEnumerable<string>? kinds, string? defaultKind)
    {
        _defaultKind = defaultKind;
        var names = kinds?.ToList() ?? RegisteredKinds.ToList();
        foreach (var name in names.Where(n => !_kinds.ContainsKey(n)))
        {
            throw new ArgumentException($"Unknown {_baseType.Name} kind '{name}'. Registered: {string.Join(", ", RegisteredKinds)}.", nameof(kinds));
        }

        var branches = new List<KeyValuePair<string, SearchSpace>>();
        foreach (var name in names)
        {
            var space = BranchOf(name, nested: false);
            if (space is not null)
            {
                branches.Add(new(name, space));
            }
            else if (kinds is not null)
            {
                throw new ArgumentException($"The {_baseType.Name} kind '{name}' cannot be searched: {Excluded[name]}", nameof(kinds));
            }
        }

        if (defaultKind is not null && branches.All(b => b.Key != defaultKind))
        {
            throw new ArgumentException($"The default kind '{defaultKind}' is not among the searched kinds ({string.Join(", ", branches.Select(b => b.Key))}).", nameof(defaultKind));
        }

        return new OneOfOption(branches, defaultKind);
    }

    /// <summary>The JSON of the spec that <paramref name="parameter"/> (a one-of parameter of this family) describes.</summary>
    internal JsonObject ToSpecJson(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.ParameterType != ParameterType.Object || !parameter.TryGetValue(OneOfOption.KindKey, out var kindParameter))
        {
            throw new ArgumentException($"A {_baseType.Name} parameter is an object with a '{OneOfOption.KindKey}'; got {parameter.ToJson()}.", nameof(parameter));
        }

        var kind = kindParameter.AsType<string>();
        if (!_kinds.TryGetValue(kind, out var type))
        {
            throw new ArgumentException($"Unknown {_baseType.Name} kind '{kind}'. Registered: {string.Join(", ", RegisteredKinds)}.", nameof(parameter));
        }

        var json = new JsonObject { [DiscriminatorName] = kind };
        var nestedMembers = Constructor(type).GetParameters().Where(p => IsSpec(p.ParameterType)).Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, child) in parameter)
        {
            if (key == OneOfOption.KindKey)
            {
                continue;
            }

            json[key] = nestedMembers.Contains(key) ? ToSpecJson(child) : child.ToJsonNode();
        }

        if (_fixed.TryGetValue(kind, out var constants))
        {
            foreach (var (key, value) in constants)
            {
                json[key] = value.DeepClone();
            }
        }

        return json;
    }

    private SearchSpace? BranchOf(string kind, bool nested)
    {
        var type = _kinds[kind];
        var ctor = Constructor(type);
        var space = new SearchSpace();
        var constants = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        // Held by a wrapper, a schedule gives only its factor: one that cycles the momentum does not (the spec refuses it), and
        // its momentum range would be searched for nothing.
        bool momentumOff = nested && ctor.GetParameters().Any(p => p.Name == MomentumCycleMember && p.ParameterType == typeof(bool));
        foreach (var p in ctor.GetParameters())
        {
            var name = p.Name!;
            if (momentumOff && name == MomentumCycleMember)
            {
                constants[name] = JsonValue.Create(false);
                continue;
            }

            if (momentumOff && MomentumRangeMembers.Contains(name))
            {
                continue;
            }

            if (IsSpec(p.ParameterType))
            {
                if (nested)
                {
                    Excluded.TryAdd(kind, $"it wraps another {_baseType.Name} and wrappers do not nest.");
                    return null;
                }

                var innerBranches = RegisteredKinds.Where(k => k != kind)
                    .Select(k => (k, s: BranchOf(k, nested: true)))
                    .Where(b => b.s is not null)
                    .Select(b => new KeyValuePair<string, SearchSpace>(b.k, b.s!))
                    .ToList();
                // The nested default is the family's default kind when it can be wrapped (coordinate clipping's null
                // Inner means AdamW), else the first.
                space[name] = new OneOfOption(innerBranches, innerBranches.Any(b => b.Key == _defaultKind) ? _defaultKind : null);
                continue;
            }

            var option = AttributeOption(type, name, p.ParameterType) ?? Ranges.OptionFor(name, p);
            if (option is not null)
            {
                space[name] = option;
            }
            else if (!p.HasDefaultValue)
            {
                var constant = _fixedValue(p);
                if (constant is null)
                {
                    Excluded.TryAdd(kind, $"its required parameter {name} ({p.ParameterType.Name}) has no search rule and no fixed value.");
                    return null;
                }

                constants[name] = constant;
            }
        }

        _fixed[kind] = constants;
        return space;
    }

    /// <summary>The member of the schedules that cycle the momentum (one-cycle, cyclic) that turns it on.</summary>
    private const string MomentumCycleMember = "CycleMomentum";

    /// <summary>Their momentum range, which has no effect with the cycle off.</summary>
    private static readonly string[] MomentumRangeMembers = ["BaseMomentum", "MaxMomentum"];

    private static OptionBase? AttributeOption(Type type, string name, Type memberType)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        var attribute = property?.GetCustomAttributes(false).FirstOrDefault(a => a is RangeAttribute or ChoiceAttribute or BooleanChoiceAttribute);
        if (attribute is null)
        {
            return null;
        }

        try
        {
            return AttributeSearchSpace.OptionOf(attribute, memberType);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{type.Name}.{name}: {e.Message}", "spec", e);
        }
    }

    private bool IsSpec(Type type) => _baseType.IsAssignableFrom(Nullable.GetUnderlyingType(type) ?? type);

    private static ConstructorInfo Constructor(Type type) =>
        type.GetConstructors().Where(c => !(c.GetParameters().Length == 1 && c.GetParameters()[0].ParameterType == type))
            .OrderByDescending(c => c.GetParameters().Length).First();
}
