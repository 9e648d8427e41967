using System.Reflection;
using Microsoft.ML.SearchSpace;

namespace MLExtensions.AutoML;

/// <summary>
/// Reads ML.NET's search-space attributes from an options type the way Microsoft.ML.AutoML does (public instance fields
/// and properties; <c>Range</c> → uniform int/float/double option by the boxed type of its bounds, with <c>Init</c> as the
/// default; <c>Choice</c> → choice option with an optional default; <c>BooleanChoice</c> → choice of false/true with
/// default true unless given; <c>NestOption</c> → nested space of the member's type), and validates what ML.NET's
/// <c>Contract.Assert</c> checks intend but its release build skips, naming the member.
/// </summary>
internal static class AttributeSearchSpace
{
    private const BindingFlags Members = BindingFlags.Public | BindingFlags.Instance;

    private static readonly Type[] ChoiceMemberTypes =
        [typeof(string), typeof(int), typeof(short), typeof(long), typeof(float), typeof(double), typeof(char), typeof(bool)];

    /// <summary>The options of <paramref name="type"/> keyed by member name.</summary>
    internal static IEnumerable<KeyValuePair<string, OptionBase>> OptionsOf(Type type, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            throw new ArgumentException($"{type.Name} nests itself through [NestOption]; a search space cannot be infinite.", "T");
        }

        var result = new List<KeyValuePair<string, OptionBase>>();
        var members = type.GetFields(Members).Select(f => ((MemberInfo)f, f.FieldType))
            .Concat(type.GetProperties(Members).Where(p => p.GetIndexParameters().Length == 0).Select(p => ((MemberInfo)p, p.PropertyType)));
        foreach (var (member, memberType) in members)
        {
            var attributes = member.GetCustomAttributes(false)
                .Where(a => a is RangeAttribute or ChoiceAttribute or BooleanChoiceAttribute or NestOptionAttribute).ToArray();
            if (attributes.Length == 0)
            {
                continue;
            }

            var name = $"{type.Name}.{member.Name}";
            if (attributes.Length > 1)
            {
                throw new ArgumentException(
                    $"{name} has {string.Join(" and ", attributes.Select(a => a.GetType().Name))}; a member takes at most one search-space attribute.", "T");
            }

            if (member is PropertyInfo { CanWrite: false } || member is FieldInfo { IsInitOnly: true })
            {
                throw new ArgumentException($"{name} is read-only; a searched member must be settable.", "T");
            }

            OptionBase option;
            try
            {
                option = attributes[0] switch
                {
                    RangeAttribute range => FromRange(range, memberType),
                    ChoiceAttribute choice => FromChoice(choice, memberType),
                    BooleanChoiceAttribute boolean => FromBooleanChoice(boolean, memberType),
                    _ => FromNest(memberType, visiting),
                };
            }
            catch (ArgumentException e) when (e.ParamName != "T")
            {
                throw new ArgumentException($"{name}: {e.Message}", "T", e);
            }

            result.Add(new(member.Name, option));
        }

        visiting.Remove(type);
        return result;
    }

    /// <summary>The option of one Range/Choice/BooleanChoice attribute on a member of type <paramref name="memberType"/>.</summary>
    internal static OptionBase OptionOf(object attribute, Type memberType) => attribute switch
    {
        RangeAttribute range => FromRange(range, memberType),
        ChoiceAttribute choice => FromChoice(choice, memberType),
        BooleanChoiceAttribute boolean => FromBooleanChoice(boolean, memberType),
        _ => throw new ArgumentException($"{attribute.GetType().Name} is not a search-space option attribute.", nameof(attribute)),
    };

    private static OptionBase FromRange(RangeAttribute range, Type memberType)
    {
        var target = Nullable.GetUnderlyingType(memberType) ?? memberType;
        OptionBase option = (range.Min, range.Max) switch
        {
            (int min, int max) => new UniformIntOption(min, max, range.LogBase, (int?)range.Init),
            (float min, float max) => new UniformSingleOption(min, max, range.LogBase, (float?)range.Init),
            (double min, double max) => new UniformDoubleOption(min, max, range.LogBase, (double?)range.Init),
            _ => throw new ArgumentException($"Range bounds of type {range.Min?.GetType().Name} are not supported.", nameof(range)),
        };

        var integerMember = target == typeof(int) || target == typeof(short) || target == typeof(long);
        var numericMember = integerMember || target == typeof(float) || target == typeof(double);
        if (!numericMember)
        {
            throw new ArgumentException($"[Range] applies to int, short, long, float or double members, not {memberType.Name}.", nameof(range));
        }

        if (integerMember && option is not UniformIntOption)
        {
            throw new ArgumentException($"a float or double [Range] cannot apply to the integer type {memberType.Name}; use integer bounds.", nameof(range));
        }

        return option;
    }

    private static OptionBase FromChoice(ChoiceAttribute choice, Type memberType)
    {
        var target = Nullable.GetUnderlyingType(memberType) ?? memberType;
        if (!ChoiceMemberTypes.Contains(target) && !target.IsEnum)
        {
            throw new ArgumentException(
                $"[Choice] applies to enum members or {string.Join(", ", ChoiceMemberTypes.Select(t => t.Name))}, not {memberType.Name}.", nameof(choice));
        }

        var option = new ChoiceOption(choice.Candidates, choice.DefaultValue);
        foreach (var candidate in option.Choices)
        {
            if (!ConvertsTo(ChoiceOption.ToParameter(candidate), memberType))
            {
                throw new ArgumentException($"the choice '{candidate}' ({candidate.GetType().Name}) cannot be assigned to a {memberType.Name} member.", nameof(choice));
            }
        }

        return option;
    }

    private static OptionBase FromBooleanChoice(BooleanChoiceAttribute boolean, Type memberType)
    {
        if ((Nullable.GetUnderlyingType(memberType) ?? memberType) != typeof(bool))
        {
            throw new ArgumentException($"[BooleanChoice] applies to bool members only, not {memberType.Name}.", nameof(boolean));
        }

        return new ChoiceOption([true, false], boolean.DefaultValue);
    }

    private static SearchSpace FromNest(Type memberType, HashSet<Type> visiting)
    {
        if (!memberType.IsClass || memberType == typeof(string) || memberType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException($"[NestOption] applies to members of a class type with a public parameterless constructor, not {memberType.Name}.", "nest");
        }

        return new SearchSpace(OptionsOf(memberType, visiting));
    }

    private static bool ConvertsTo(Parameter parameter, Type type)
    {
        try
        {
            typeof(Parameter).GetMethod(nameof(Parameter.AsType))!.MakeGenericMethod(type).Invoke(parameter, null);
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
        {
            return false;
        }
    }
}
