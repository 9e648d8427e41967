using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// An estimator with a search space (ML.NET AutoML's <c>SweepableEstimator</c>): a factory that builds the estimator
/// from a sampled <see cref="Parameter"/> of <see cref="SearchSpace"/>, a display name and a cost prior for cost-aware
/// tuners (ECI), so that a slow trainer is not mistaken for a cheap one.
/// </summary>
public class SweepableEstimator
{
    private readonly Func<MLContext, Parameter, IEstimator<ITransformer>> _factory;

    /// <summary>A sweepable estimator.</summary>
    /// <param name="factory">Builds the estimator from a parameter of <paramref name="searchSpace"/>.</param>
    /// <param name="searchSpace">The space; null for an estimator without hyperparameters (an empty space).</param>
    /// <param name="name">The display name (e.g. <c>FastTreeBinary</c>); null: "Unknown".</param>
    /// <param name="costPrior">The relative cost of one fit, for cost-aware tuners (ML.NET's FastTree is 3.701, SDCA
    /// about 1). Default 1; greater than 0 and finite.</param>
    /// <exception cref="ArgumentException"><paramref name="costPrior"/> is not positive and finite.</exception>
    public SweepableEstimator(Func<MLContext, Parameter, IEstimator<ITransformer>> factory, SearchSpace? searchSpace = null, string? name = null, double costPrior = 1)
    {
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));
        if (!(costPrior > 0 && double.IsFinite(costPrior)))
        {
            throw new ArgumentException($"costPrior must be positive and finite; got {costPrior}.", nameof(costPrior));
        }

        SearchSpace = searchSpace ?? new SearchSpace();
        Name = string.IsNullOrWhiteSpace(name) ? "Unknown" : name;
        CostPrior = costPrior;
    }

    /// <summary>The search space of the estimator's hyperparameters.</summary>
    public SearchSpace SearchSpace { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>The relative cost of one fit, for cost-aware tuners.</summary>
    public double CostPrior { get; }

    /// <summary>The estimator for <paramref name="parameter"/> (a parameter of <see cref="SearchSpace"/>).</summary>
    /// <exception cref="ArgumentException">The factory rejects the parameter (the message names this estimator).</exception>
    public IEstimator<ITransformer> BuildFromOption(MLContext context, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameter);
        try
        {
            return _factory(context, parameter)
                ?? throw new InvalidOperationException($"The factory of sweepable estimator '{Name}' returned null.");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException && e.Message.IndexOf(Name, StringComparison.Ordinal) < 0)
        {
            throw new ArgumentException($"Sweepable estimator '{Name}' cannot be built from {parameter.ToJson()}: {e.Message}", nameof(parameter), e);
        }
    }

    /// <summary>The default parameter (the space's default point).</summary>
    public Parameter DefaultParameter => SearchSpace.SampleFromFeatureSpace(SearchSpace.Default);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
