using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions;

/// <summary>A trainer made from a catalog: its unset seed can be filled in once, before its first fit, and it can write to the context's log.</summary>
internal interface IContextSeeded
{
    /// <summary>Sets the trainer's own copy of <c>Seed</c> to <paramref name="seed"/> if that copy leaves it unset.</summary>
    void UseSeedIfUnset(int seed);

    /// <summary>The context whose log receives the trainer's warnings (<see cref="FeatureScaleWarning"/>).</summary>
    void UseLog(IHostEnvironment environment);
}

/// <summary>
/// The seed of a trainer made from an ML.NET catalog whose options leave <c>Seed</c> unset: drawn from the catalog's
/// <see cref="MLContext"/>, as ML.NET's own trainers draw theirs when they are created, so <c>new MLContext(seed: 1)</c> reproduces a
/// script run for run and <c>new MLContext()</c> does not. ML.NET keeps a catalog's context internal; it is read here by reflection
/// (a test checks it on the ML.NET version this package depends on). Where that fails, the trainer draws its own seed at each fit,
/// as one constructed directly does.
/// </summary>
internal static class ContextSeed
{
    private const BindingFlags NonPublicInstance = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly PropertyInfo? s_owner = typeof(TrainCatalogBase.CatalogInstantiatorBase).GetProperty("Owner", NonPublicInstance);
    private static readonly PropertyInfo? s_environment = typeof(TrainCatalogBase).GetProperty("Environment", NonPublicInstance);

    /// <summary>The next seed of the catalog's context for a component named <paramref name="componentName"/>, or <c>null</c>
    /// when the context cannot be reached.</summary>
    public static int? Draw(TrainCatalogBase.CatalogInstantiatorBase catalog, string componentName) =>
        Environment(catalog)?.Register(componentName).Rand.Next();

    /// <summary>The catalog's context, or <c>null</c> when it cannot be reached.</summary>
    public static IHostEnvironment? Environment(TrainCatalogBase.CatalogInstantiatorBase catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return s_owner?.GetValue(catalog) is TrainCatalogBase owner ? s_environment?.GetValue(owner) as IHostEnvironment : null;
    }

    /// <summary>Gives <paramref name="trainer"/> the context's next seed if its options leave the seed unset, and the context's log;
    /// returns the trainer.</summary>
    public static T Apply<T>(T trainer, TrainCatalogBase.CatalogInstantiatorBase catalog) where T : IContextSeeded
    {
        if (Environment(catalog) is { } environment)
        {
            trainer.UseSeedIfUnset(environment.Register(typeof(T).Name).Rand.Next());
            trainer.UseLog(environment);
        }

        return trainer;
    }
}
