namespace MLExtensions;

/// <summary>One named weight tensor as plain data: its shape and its values in row-major order.</summary>
/// <param name="Name">The parameter or buffer name, e.g. <c>hidden.0.linear.weight</c>.</param>
/// <param name="Shape">The tensor's dimensions.</param>
/// <param name="Values">The elements in row-major (C) order; length equals the product of <paramref name="Shape"/>.</param>
public sealed record NamedTensorData(string Name, long[] Shape, float[] Values)
{
    /// <summary>Throws <see cref="ArgumentException"/> when the value count does not match the shape.</summary>
    public void Validate()
    {
        long count = 1;
        foreach (long d in Shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{Name}' has a negative dimension {d}.", nameof(Shape));
            count *= d;
        }
        if (count != Values.Length)
            throw new ArgumentException($"Tensor '{Name}' has shape [{string.Join(", ", Shape)}] ({count} values) but {Values.Length} values.", nameof(Values));
    }
}
