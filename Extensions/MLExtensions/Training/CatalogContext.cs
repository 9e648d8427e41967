using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions;

/// <summary>A trainer made from a catalog whose unset seed can be filled in once, before its first fit.</summary>
internal interface IContextSeeded
{
    /// <summary>Sets the trainer's own copy of <c>Seed</c> to <paramref name="seed"/> if that copy leaves it unset.</summary>
    void UseSeedIfUnset(int seed);
}

/// <summary>A trainer made from a catalog that writes warnings (<see cref="FeatureScaleWarning"/>) to the context's log.</summary>
internal interface IContextLogged
{
    /// <summary>The context whose log receives the trainer's warnings.</summary>
    void UseLog(IHostEnvironment environment);
}

/// <summary>
/// What a trainer made from an ML.NET catalog takes from the catalog's <see cref="MLContext"/>. Its seed, when its options leave
/// <c>Seed</c> unset: drawn from the context, as ML.NET's own trainers draw theirs when they are created, so
/// <c>new MLContext(seed: 1)</c> reproduces a script run for run and <c>new MLContext()</c> does not. And the context's log, for its
/// warnings. ML.NET keeps a catalog's context internal; it is read here by reflection (a test checks it on the ML.NET version this
/// package depends on). Where that fails, the trainer draws its own seed at each fit and writes no warnings, as one constructed
/// directly does.
/// </summary>
internal static class CatalogContext
{
    private const BindingFlags NonPublicInstance = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly PropertyInfo? s_owner = typeof(TrainCatalogBase.CatalogInstantiatorBase).GetProperty("Owner", NonPublicInstance);
    private static readonly PropertyInfo? s_environment = typeof(TrainCatalogBase).GetProperty("Environment", NonPublicInstance);

    /// <summary>Gives <paramref name="trainer"/> the context's next seed if its options leave the seed unset, and the context's log
    /// if it writes warnings; returns the trainer.</summary>
    public static T Apply<T>(T trainer, TrainCatalogBase.CatalogInstantiatorBase catalog) where T : IContextSeeded
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (s_owner?.GetValue(catalog) is TrainCatalogBase owner && s_environment?.GetValue(owner) is IHostEnvironment environment)
        {
            trainer.UseSeedIfUnset(environment.Register(typeof(T).Name).Rand.Next());
            if (trainer is IContextLogged logged) logged.UseLog(environment);
        }

        return trainer;
    }
}
