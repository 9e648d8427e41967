using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// An estimator with a search space (ML.NET AutoML's <c>SweepableEstimator</c>): a factory that builds the estimator
/// from a sampled <see cref="Parameter"/> of <see cref="SearchSpace"/>, a display name and a cost prior for cost-aware
/// tuners (ECI), so that a slow trainer is not mistaken for a cheap one. An unknown cost prior (null) is never taken for
/// the lowest: <see cref="EciCostFrugalTuner"/> gives it the largest known prior (ML.NET gives unknown estimators 1, below
/// FastTree's 3.701, so a slow custom trainer was proposed first).
/// </summary>
public class SweepableEstimator
{
    private readonly Func<MLContext, Parameter, IEstimator<ITransformer>> _factory;

    /// <summary>A sweepable estimator.</summary>
    /// <param name="factory">Builds the estimator from a parameter of <paramref name="searchSpace"/>.</param>
    /// <param name="searchSpace">The space; null for an estimator without hyperparameters (an empty space).</param>
    /// <param name="name">The display name (e.g. <c>FastTreeBinary</c>); null: "Unknown".</param>
    /// <param name="costPrior">The relative cost of one fit, for cost-aware tuners (ML.NET's FastTree is 3.701, SDCA
    /// about 1); 0 marks a negligible step (a featurizer). Default null: unknown. Otherwise at least 0 and finite.</param>
    /// <exception cref="ArgumentException"><paramref name="costPrior"/> is negative, NaN or infinite.</exception>
    public SweepableEstimator(Func<MLContext, Parameter, IEstimator<ITransformer>> factory, SearchSpace? searchSpace = null, string? name = null, double? costPrior = null)
    {
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));
        if (costPrior is { } c && !(c >= 0 && double.IsFinite(c)))
        {
            throw new ArgumentException($"costPrior must be null (unknown), or at least 0 and finite; got {c}.", nameof(costPrior));
        }

        SearchSpace = searchSpace ?? new SearchSpace();
        Name = string.IsNullOrWhiteSpace(name) ? "Unknown" : name;
        CostPrior = costPrior;
    }

    /// <summary>The search space of the estimator's hyperparameters.</summary>
    public SearchSpace SearchSpace { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>The relative cost of one fit, for cost-aware tuners (SDCA = 1; 0: negligible); null when unknown.</summary>
    public double? CostPrior { get; }

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
