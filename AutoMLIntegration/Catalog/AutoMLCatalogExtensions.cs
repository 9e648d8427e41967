using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>Reaches the <see cref="AutoMLCatalog"/> from an <see cref="MLContext"/>.</summary>
public static class AutoMLCatalogExtensions
{
    /// <summary>The AutoML catalog of <paramref name="context"/>: sweepables, ready default spaces and experiments.</summary>
    public static AutoMLCatalog AutoML(this MLContext context) => new(context ?? throw new ArgumentNullException(nameof(context)));
}
