namespace MLExtensions.AutoML;

/// <summary>The kind of value a <see cref="Parameter"/> holds.</summary>
public enum ParameterType
{
    /// <summary>An integer.</summary>
    Integer,

    /// <summary>A floating-point number.</summary>
    Number,

    /// <summary>A string.</summary>
    String,

    /// <summary>A Boolean.</summary>
    Bool,

    /// <summary>An array of parameters.</summary>
    Array,

    /// <summary>A named set of nested parameters.</summary>
    Object,
}
