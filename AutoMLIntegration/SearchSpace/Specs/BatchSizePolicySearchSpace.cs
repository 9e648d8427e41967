using System.Text.Json;

namespace MLExtensions.AutoML;

/// <summary>
/// The batch-size policy one-of: one branch per kind registered on <see cref="BatchSizePolicySpec"/> (<c>fixed</c>,
/// <c>adadagrad</c>), each searching its spec's own parameters by the rules of <c>AutoMLIntegration/README.md</c> (the
/// AdAdaGrad test constants η, θ, ν log-uniform in [0.05, 1]); parameters without a rule keep the spec's default.
/// </summary>
public sealed class BatchSizePolicySearchSpace
{
    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private readonly SpecOneOfBuilder _builder;

    /// <summary>A one-of over <paramref name="kinds"/> (null: every registered policy).</summary>
    /// <param name="kinds">Kinds to search; null for all.</param>
    /// <param name="defaultKind">The default branch; null: <c>fixed</c> when searched, else the first.</param>
    /// <exception cref="ArgumentException">An unknown kind, or a default not searched.</exception>
    public BatchSizePolicySearchSpace(IEnumerable<string>? kinds = null, string? defaultKind = null)
    {
        var ranges = new SpecRanges(totalSteps: 1000);
        _builder = new SpecOneOfBuilder(typeof(BatchSizePolicySpec), ranges, ranges.FixedValue);
        var list = kinds?.ToList();
        defaultKind ??= list is null || list.Contains("fixed") ? "fixed" : null;
        Option = _builder.Build(list, defaultKind);
    }

    /// <summary>The one-of option (put it into a <see cref="SearchSpace"/>, e.g. under the key <c>BatchSizePolicy</c>).</summary>
    public OneOfOption Option { get; }

    /// <summary>The searched kinds, in feature-space order.</summary>
    public IReadOnlyList<string> Kinds => Option.BranchNames;

    /// <summary>The spec a sampled parameter of <see cref="Option"/> describes (through the specs' JSON).</summary>
    /// <exception cref="ArgumentException">The parameter is not one of this option's, or the spec it gives is invalid.</exception>
    public BatchSizePolicySpec ToSpec(Parameter parameter)
    {
        var json = _builder.ToSpecJson(parameter).ToJsonString();
        try
        {
            var spec = JsonSerializer.Deserialize<BatchSizePolicySpec>(json, ReadOptions)
                ?? throw new ArgumentException($"The batch-size policy JSON {json} is null.", nameof(parameter));
            spec.Validate();
            return spec;
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException or NotSupportedException)
        {
            throw new ArgumentException($"The sampled batch-size policy {json} is invalid: {e.Message}", nameof(parameter), e);
        }
    }
}
