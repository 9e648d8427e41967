namespace MLExtensions.AutoML;

/// <summary>Marks the MLExtensions.AutoML assembly; the AutoML layer arrives with its own issue.</summary>
public static class AutoMLAssembly
{
    /// <summary>The assembly's name, for diagnostics.</summary>
    public const string Name = "MLExtensions.AutoML";
}
