using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions;

/// <summary>A trainer whose unset seed can be filled in once, before its first fit.</summary>
internal interface IContextSeeded
{
    /// <summary>Sets the trainer's own copy of <c>Seed</c> to <paramref name="seed"/> if that copy leaves it unset.</summary>
    void UseSeedIfUnset(int seed);
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
    public static int? Draw(TrainCatalogBase.CatalogInstantiatorBase catalog, string componentName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (s_owner?.GetValue(catalog) is TrainCatalogBase owner && s_environment?.GetValue(owner) is IHostEnvironment environment)
            return environment.Register(componentName).Rand.Next();
        return null;
    }

    /// <summary>Gives <paramref name="trainer"/> the context's next seed if its options leave the seed unset; returns the trainer.</summary>
    public static T Apply<T>(T trainer, TrainCatalogBase.CatalogInstantiatorBase catalog) where T : IContextSeeded
    {
        if (Draw(catalog, typeof(T).Name) is { } seed) trainer.UseSeedIfUnset(seed);
        return trainer;
    }
}
