namespace MLExtensions;

/// <summary>The nonlinearity applied after each hidden layer.</summary>
public enum ActivationKind
{
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>Gaussian error linear unit, exact (erf) form.</summary>
    GELU,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>x * sigmoid(x) (also called swish).</summary>
    SiLU,
    /// <summary>x for x &gt; 0, 0.01 x otherwise.</summary>
    LeakyReLU,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
}
