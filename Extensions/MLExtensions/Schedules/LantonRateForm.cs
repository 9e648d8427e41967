namespace MLExtensions;

/// <summary>The built-in layer-rate rules of <see cref="LantonSchedule"/>. The paper's own rule could not be recovered
/// (design notes LANTON.md §1.1); all three are reconstructions, <see cref="GroupMinimum"/> the provisional default.</summary>
public enum LantonRateForm
{
    /// <summary>Form A: <c>ratio_ℓ = √(min_j H_j / H_ℓ)</c>; the least noisy layer of the group gets the group's rate, the others less.</summary>
    GroupMinimum = 0,

    /// <summary>Form B: <c>ratio_ℓ = √(max_j H_j / H_ℓ)</c>; the noisiest layer gets the group's rate, the others more.</summary>
    GroupMaximum = 1,

    /// <summary>Form C: <c>ratio_ℓ = 1 / √(H_ℓ + ε)</c> (AdaGrad-norm style; not scale-free).</summary>
    InverseSquareRoot = 2,
}
