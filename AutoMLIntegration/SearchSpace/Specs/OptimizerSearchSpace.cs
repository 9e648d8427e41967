namespace MLExtensions.AutoML;

/// <summary>
/// The optimizer one-of: one branch per kind registered on <see cref="OptimizerSpec"/> (see
/// <see cref="OptimizerRegistry"/>), each searching that optimizer's own hyperparameters around its own defaults
/// (learning rate on a log scale over [d/100, 10·d], betas, momentum, weight decay, AMSGrad; the rules are in
/// <c>AutoMLIntegration/README.md</c>; a spec property carrying an ML.NET <c>[Range]</c>/<c>[Choice]</c> attribute
/// overrides its rule). A wrapper such as <c>coordinate_clipping</c> gets a nested one-of over the other optimizers.
/// <see cref="ToSpec"/> turns a sampled parameter into the <see cref="OptimizerSpec"/> a trainer takes.
/// </summary>
public sealed class OptimizerSearchSpace
{
    private readonly SpecOneOfBuilder _builder;

    /// <summary>A one-of over <paramref name="kinds"/> (null: every registered optimizer).</summary>
    /// <param name="kinds">Registry names to search, e.g. <c>["adamw", "sgd"]</c>; null for all.</param>
    /// <param name="defaultKind">The default branch; null: <c>adamw</c> when searched, else the first.</param>
    /// <exception cref="ArgumentException">An unknown kind, or a default kind that is not searched.</exception>
    public OptimizerSearchSpace(IEnumerable<string>? kinds = null, string? defaultKind = null)
    {
        _builder = new SpecOneOfBuilder(typeof(OptimizerSpec), new SpecRanges(1000), _ => null);
        var list = kinds?.ToList();
        defaultKind ??= list is null || list.Contains("adamw") ? "adamw" : null;
        Option = _builder.Build(list, defaultKind);
    }

    /// <summary>The one-of option (put it into a <see cref="SearchSpace"/>, e.g. under the key <c>Optimizer</c>).</summary>
    public OneOfOption Option { get; }

    /// <summary>The searched kinds, in feature-space order.</summary>
    public IReadOnlyList<string> Kinds => Option.BranchNames;

    /// <summary>The spec a sampled parameter of <see cref="Option"/> describes (through <see cref="OptimizerRegistry.FromJson"/>).</summary>
    /// <exception cref="ArgumentException">The parameter is not one of this option's, or the spec it gives is invalid.</exception>
    public OptimizerSpec ToSpec(Parameter parameter)
    {
        var spec = OptimizerRegistry.FromJson(_builder.ToSpecJson(parameter).ToJsonString());
        try
        {
            spec.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"The sampled optimizer {parameter.ToJson()} is invalid: {e.Message}", nameof(parameter), e);
        }

        return spec;
    }
}
