namespace MLExtensions;

/// <summary>
/// Marks an assembly that holds <c>CustomMapping</c> factories of saved MLExtensions models (classes with ML.NET's
/// <c>CustomMappingFactoryAttribute</c>). <see cref="MLExtensionsRuntime.Register"/> registers every loaded assembly with this mark, so
/// the serving assembly names none of the assemblies built on it; each of them marks itself.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class CustomMappingAssemblyAttribute : Attribute;
