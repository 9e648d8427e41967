namespace MLExtensions;

/// <summary>
/// Whether an optimizer's step follows the raw gradient (SGD-like) or a normalized one (Adam-like). It picks the batch-size scaling
/// rule of <see cref="BatchSizeScaling.Auto"/> (linear or square root) and the refined schedule's norm and power
/// (<see cref="RefinedSchedule.FromHistory(IEnumerable{EpochRecord}, OptimizerFamily)"/>: ℓ2 norms with G⁻² or ℓ1 norms with G⁻¹).
/// </summary>
public enum OptimizerFamily
{
    /// <summary>Steps proportional to the (momentum-averaged) gradient: SGD, SGDP, LARS, SGD-SaI, Adaptive-Memory SGD.</summary>
    SgdLike,

    /// <summary>Steps normalized per coordinate or per matrix: Adam, AdamW, AdaBelief, diffGrad, Adan, AdamP, LAMB, Lion, Muon, ARO,
    /// Adaptive-Memory AdamW, AdaGrad, AdaGradNorm (and <see cref="CoordinateClippingSpec"/> takes its inner optimizer's family).</summary>
    AdamLike,
}
