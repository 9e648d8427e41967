namespace MLExtensions;

/// <summary>What <see cref="CoordinateClipping"/> clips.</summary>
public enum ClippingTarget
{
    /// <summary>The parameter change made by the inner optimizer (its whole update, weight decay included).</summary>
    Update = 0,

    /// <summary>The gradients, before the inner optimizer sees them (e.g. before SGD's momentum).</summary>
    Gradient = 1,
}
