using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// The AutoML catalog, reached with <c>mlContext.AutoML()</c> (a name that does not clash with ML.NET's
/// <c>mlContext.Auto()</c>): sweepable estimators and the ready sweepables with their default spaces. The experiment
/// part (<c>CreateExperiment</c>) lives in another file of this partial class.
/// </summary>
#pragma warning disable CA1822 // catalog methods are instance members reached through mlContext.AutoML(), as in ML.NET
public sealed partial class AutoMLCatalog
{
    internal AutoMLCatalog(MLContext context) => Context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The context this catalog belongs to.</summary>
    internal MLContext Context { get; }

    /// <summary>A sweepable estimator over an options class (ML.NET's <c>CreateSweepableEstimator</c>); a null space
    /// means <c>new SearchSpace&lt;T&gt;()</c>, built from <typeparamref name="T"/>'s attributes.</summary>
    /// <param name="factory">Builds the estimator from the sampled options.</param>
    /// <param name="searchSpace">The space; null: from <typeparamref name="T"/>'s attributes.</param>
    /// <param name="name">The display name; null: <typeparamref name="T"/>'s name.</param>
    /// <param name="costPrior">The relative cost of one fit for cost-aware tuners (SDCA = 1). Default null: unknown, which
    /// the ECI tuner never takes for the lowest.</param>
    public SweepableEstimator<T> CreateSweepableEstimator<T>(Func<MLContext, T, IEstimator<ITransformer>> factory, SearchSpace<T>? searchSpace = null, string? name = null, double? costPrior = null)
        where T : class, new() => new(factory, searchSpace, name, costPrior);

    /// <summary>A sweepable estimator over a plain parameter and any search space (null: none).</summary>
    /// <param name="factory">Builds the estimator from the sampled parameter.</param>
    /// <param name="searchSpace">The space; null: none.</param>
    /// <param name="name">The display name; null: "Unknown".</param>
    /// <param name="costPrior">The relative cost of one fit for cost-aware tuners (SDCA = 1). Default null: unknown.</param>
    public SweepableEstimator CreateSweepableEstimator(Func<MLContext, Parameter, IEstimator<ITransformer>> factory, SearchSpace? searchSpace = null, string? name = null, double? costPrior = null) =>
        new(factory, searchSpace, name, costPrior);

    /// <summary>An empty sweepable pipeline; add stages with <see cref="SweepablePipeline.Append(SweepableEstimator[])"/>.</summary>
    public SweepablePipeline CreateSweepablePipeline() => new();
}
#pragma warning restore CA1822
