using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>A sweepable estimator whose factory takes a typed options object <typeparamref name="T"/> (built with
/// <see cref="Parameter.AsType{T}"/> from a sampled parameter of a <see cref="SearchSpace{T}"/>).</summary>
/// <typeparam name="T">The options class.</typeparam>
public sealed class SweepableEstimator<T> : SweepableEstimator
    where T : class, new()
{
    /// <summary>A typed sweepable estimator; a null space means <c>new SearchSpace&lt;T&gt;()</c> (where ML.NET throws).</summary>
    /// <param name="factory">Builds the estimator from the sampled options.</param>
    /// <param name="searchSpace">The space; null: from <typeparamref name="T"/>'s attributes.</param>
    /// <param name="name">The display name; null: <typeparamref name="T"/>'s name.</param>
    /// <param name="costPrior">The relative cost of one fit for cost-aware tuners (SDCA = 1). Default null: unknown.</param>
    public SweepableEstimator(Func<MLContext, T, IEstimator<ITransformer>> factory, SearchSpace<T>? searchSpace = null, string? name = null, double? costPrior = null)
        : base(Wrap(factory), searchSpace ?? new SearchSpace<T>(), name ?? typeof(T).Name, costPrior)
    {
        TypedSearchSpace = (SearchSpace<T>)SearchSpace;
    }

    /// <summary>The typed search space.</summary>
    public SearchSpace<T> TypedSearchSpace { get; }

    private static Func<MLContext, Parameter, IEstimator<ITransformer>> Wrap(Func<MLContext, T, IEstimator<ITransformer>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return (context, parameter) => factory(context, parameter.AsType<T>());
    }
}
