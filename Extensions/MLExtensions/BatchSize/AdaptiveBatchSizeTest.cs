namespace MLExtensions;

/// <summary>Which statistical test <see cref="AdaptiveBatchSize"/> runs (Lau, Liu and Kolar, "AdAdaGrad", D3).</summary>
public enum AdaptiveBatchSizeTest
{
    /// <summary>Norm test (Byrd et al. 2012): passes iff Σ Var(g_i)/b ≤ η²‖ḡ‖²; else b ← ⌈Σ Var/(η²‖ḡ‖²)⌉.</summary>
    Norm,

    /// <summary>Inner-product test (Bollapragada et al. 2018): passes iff Var(⟨g_i, ḡ⟩)/b ≤ θ²‖ḡ‖⁴; else b ← ⌈Var/(θ²‖ḡ‖⁴)⌉.</summary>
    InnerProduct,

    /// <summary>Augmented inner-product test: the inner-product test and the orthogonality test
    /// (Σ Var(g_i − ⟨g_i, ḡ⟩ḡ/‖ḡ‖²)/b ≤ ν²‖ḡ‖²) must both pass; the new b is the larger of the two.</summary>
    AugmentedInnerProduct,
}
