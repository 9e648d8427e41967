using System.Text.Json.Nodes;

namespace MLExtensions.AutoML;

/// <summary>
/// ML.NET's runtime JSON for search spaces (its System.Text.Json converters, AUTOML-ANCHORS.md §2.8): a space is an
/// object keyed by option name; a numeric option is <c>{"type":"int"|"float"|"double","default":v,"min":a,"max":b,"log_base":bool}</c>;
/// a choice is <c>{"default":v,"choices":[…]}</c>; a nested space is a nested object. Our extension for one-of options:
/// <c>{"default":"branch","one_of":[{"name":"branch","search_space":{…}}, …]}</c>. Unlike ML.NET's converter, nested
/// and plain spaces are written to the writer, so they round-trip.
/// </summary>
internal static class SearchSpaceJson
{
    internal static JsonNode Write(OptionBase option) => option switch
    {
        SearchSpace space => new JsonObject(space.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Write(kv.Value)))),
        UniformNumericOption numeric => new JsonObject
        {
            ["type"] = numeric switch { UniformIntOption => "int", UniformSingleOption => "float", _ => "double" },
            ["default"] = numeric.SampleFromFeatureSpace(numeric.Default).ToJsonNode(),
            ["min"] = numeric is UniformIntOption ? JsonValue.Create((long)numeric.Min) : numeric is UniformSingleOption ? JsonValue.Create((float)numeric.Min) : JsonValue.Create(numeric.Min),
            ["max"] = numeric is UniformIntOption ? JsonValue.Create((long)numeric.Max) : numeric is UniformSingleOption ? JsonValue.Create((float)numeric.Max) : JsonValue.Create(numeric.Max),
            ["log_base"] = numeric.LogBase,
        },
        ChoiceOption choice => new JsonObject
        {
            ["default"] = choice.SampleFromFeatureSpace(choice.Default).ToJsonNode(),
            ["choices"] = new JsonArray(choice.Choices.Select(c => (JsonNode?)ChoiceOption.ToParameter(c).ToJsonNode()).ToArray()),
        },
        OneOfOption oneOf => new JsonObject
        {
            ["default"] = oneOf.DefaultBranch,
            ["one_of"] = new JsonArray(oneOf.Branches.Select(b => (JsonNode?)new JsonObject { ["name"] = b.Key, ["search_space"] = Write(b.Value) }).ToArray()),
        },
        _ => throw new NotSupportedException($"{option.GetType().Name} has no JSON form; only SearchSpace, numeric, choice and one-of options do."),
    };

    internal static SearchSpace ReadSpace(JsonNode? node, string path)
    {
        if (node is not JsonObject obj)
        {
            throw new ArgumentException($"Search space JSON at {path} must be an object keyed by option name.", "json");
        }

        var space = new SearchSpace();
        foreach (var (key, child) in obj)
        {
            space[key] = ReadOption(child, $"{path}.{key}");
        }

        return space;
    }

    private static OptionBase ReadOption(JsonNode? node, string path)
    {
        if (node is not JsonObject obj)
        {
            throw new ArgumentException($"Option JSON at {path} must be an object (numeric, choice, one-of or nested space).", "json");
        }

        var keys = obj.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        try
        {
            if (keys.Contains("one_of") && keys.IsSubsetOf(["one_of", "default"]))
            {
                var branches = (obj["one_of"] as JsonArray ?? throw new ArgumentException("one_of must be an array.", "json"))
                    .Select((b, i) => KeyValuePair.Create(
                        b?["name"]?.GetValue<string>() ?? throw new ArgumentException($"one_of[{i}] needs a string name.", "json"),
                        ReadSpace(b["search_space"] ?? new JsonObject(), $"{path}.one_of[{i}].search_space")));
                return new OneOfOption(branches.ToList(), obj["default"]?.GetValue<string>());
            }

            if (keys.Contains("choices") && keys.IsSubsetOf(["choices", "default"]))
            {
                var choices = (obj["choices"] as JsonArray ?? throw new ArgumentException("choices must be an array.", "json")).Select(ChoiceValue).ToArray();
                return new ChoiceOption(choices, obj["default"] is { } d ? ChoiceValue(d) : null);
            }

            if (keys.Contains("type") && keys.Contains("min") && keys.Contains("max") && keys.IsSubsetOf(["type", "default", "min", "max", "log_base"]))
            {
                var log = obj["log_base"]?.GetValue<bool>() ?? false;
                var type = obj["type"]!.GetValue<string>();
                var hasDefault = obj["default"] is not null;
                return type switch
                {
                    "int" => new UniformIntOption(Int(obj["min"]), Int(obj["max"]), log, hasDefault ? Int(obj["default"]) : null),
                    "float" => new UniformSingleOption((float)Dbl(obj["min"]), (float)Dbl(obj["max"]), log, hasDefault ? (float)Dbl(obj["default"]) : null),
                    "double" => new UniformDoubleOption(Dbl(obj["min"]), Dbl(obj["max"]), log, hasDefault ? Dbl(obj["default"]) : null),
                    _ => throw new ArgumentException($"type must be int, float or double; got '{type}'.", "json"),
                };
            }

            return ReadSpace(obj, path);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException && !e.Message.StartsWith("Search space JSON", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Search space JSON at {path}: {e.Message}", "json", e);
        }
    }

    private static int Int(JsonNode? node) => checked((int)Parameter.FromJsonNode(node, "json").AsType<long>());

    private static double Dbl(JsonNode? node) => Parameter.FromJsonNode(node, "json").AsType<double>();

    private static object ChoiceValue(JsonNode? node)
    {
        var p = Parameter.FromJsonNode(node, "json");
        return p.ParameterType switch
        {
            ParameterType.String => p.AsType<string>(),
            ParameterType.Bool => p.AsType<bool>(),
            ParameterType.Integer => p.AsType<long>() is var l && l >= int.MinValue && l <= int.MaxValue ? (int)l : l,
            ParameterType.Number => p.AsType<double>(),
            _ => throw new ArgumentException($"Choices must be strings, numbers or Booleans; got {p.ToJson()}.", "json"),
        };
    }
}
