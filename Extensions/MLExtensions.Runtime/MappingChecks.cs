namespace MLExtensions;

/// <summary>Shared checks of the mappings.</summary>
internal static class MappingChecks
{
    /// <summary>The only element of a 1-element ONNX output; anything else means the model does not follow the exported format.</summary>
    public static T Single<T>(T[]? values, string column) =>
        values is { Length: 1 }
            ? values[0]
            : throw new InvalidOperationException(
                $"Column '{column}' must hold exactly 1 value per row (an ONNX output of shape [N]); got {values?.Length ?? 0}.");
}
