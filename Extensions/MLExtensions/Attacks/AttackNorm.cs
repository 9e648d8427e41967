namespace MLExtensions;

/// <summary>The norm whose ball of radius ε bounds a perturbation.</summary>
public enum AttackNorm
{
    /// <summary>ℓ∞: every feature moves by at most ε.</summary>
    LInfinity = 0,

    /// <summary>ℓ2: the Euclidean length of the perturbation is at most ε.</summary>
    L2 = 1,
}
