using System.Text.Json;

namespace MLExtensions.AutoML;

/// <summary>
/// The learning-rate schedule one-of: one branch per kind registered on <see cref="LearningRateScheduleSpec"/>, each
/// searching that schedule's own parameters (rules in <c>AutoMLIntegration/README.md</c>); <c>warmup</c> wraps a nested
/// one-of over the other schedules. Required step counts scale with <c>totalSteps</c>. Kinds that cannot be built
/// without data (<c>refined</c> needs gradient norms) are left out and listed in <see cref="ExcludedKinds"/>.
/// </summary>
public sealed class LearningRateScheduleSearchSpace
{
    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private readonly SpecOneOfBuilder _builder;

    /// <summary>A one-of over <paramref name="kinds"/> (null: every registered schedule that can be searched).</summary>
    /// <param name="totalSteps">The optimizer steps a trial is expected to run (epochs × batches per epoch), the scale of
    /// required step counts such as <c>StepSize</c> and <c>DecaySteps</c>. Default 1000; at least 2.</param>
    /// <param name="kinds">Kinds to search; null for all that can be searched.</param>
    /// <param name="defaultKind">The default branch; null: <c>constant</c> when searched, else the first.</param>
    /// <exception cref="ArgumentException">totalSteps below 2, an unknown or unsearchable kind, or a default not searched.</exception>
    public LearningRateScheduleSearchSpace(long totalSteps = 1000, IEnumerable<string>? kinds = null, string? defaultKind = null)
    {
        if (totalSteps < 2)
        {
            throw new ArgumentException($"totalSteps must be at least 2; got {totalSteps}.", nameof(totalSteps));
        }

        var ranges = new SpecRanges(totalSteps);
        _builder = new SpecOneOfBuilder(typeof(LearningRateScheduleSpec), ranges, ranges.FixedValue);
        var list = kinds?.ToList();
        defaultKind ??= list is null || list.Contains("constant") ? "constant" : null;
        Option = _builder.Build(list, defaultKind);
    }

    /// <summary>The one-of option (put it into a <see cref="SearchSpace"/>, e.g. under the key <c>LearningRateSchedule</c>).</summary>
    public OneOfOption Option { get; }

    /// <summary>The searched kinds, in feature-space order.</summary>
    public IReadOnlyList<string> Kinds => Option.BranchNames;

    /// <summary>Registered kinds that are not searched, with the reason.</summary>
    public IReadOnlyDictionary<string, string> ExcludedKinds => _builder.Excluded.Where(e => !Kinds.Contains(e.Key)).ToDictionary();

    /// <summary>The spec a sampled parameter of <see cref="Option"/> describes (through the specs' JSON).</summary>
    /// <exception cref="ArgumentException">The parameter is not one of this option's, or the spec it gives is invalid.</exception>
    public LearningRateScheduleSpec ToSpec(Parameter parameter)
    {
        var json = _builder.ToSpecJson(parameter).ToJsonString();
        try
        {
            var spec = JsonSerializer.Deserialize<LearningRateScheduleSpec>(json, ReadOptions)
                ?? throw new ArgumentException($"The schedule JSON {json} is null.", nameof(parameter));
            spec.Validate();
            return spec;
        }
        catch (Exception e) when (e is JsonException or ArgumentOutOfRangeException or NotSupportedException)
        {
            throw new ArgumentException($"The sampled schedule {json} is invalid: {e.Message}", nameof(parameter), e);
        }
    }
}
