namespace MLExtensions.AutoML;

public sealed partial class AutoMLCatalog
{
    /// <summary>A new <see cref="AutoMLExperiment"/> in this catalog's context (its seed drawn from the context's random source).</summary>
    public AutoMLExperiment CreateExperiment() => new(Context);
}
