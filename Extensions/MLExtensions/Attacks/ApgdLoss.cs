namespace MLExtensions;

/// <summary>The objective <see cref="ApgdAttack"/> maximizes.</summary>
public enum ApgdLoss
{
    /// <summary>APGD-CE: the cross-entropy of the true class.</summary>
    CrossEntropy = 0,

    /// <summary>APGD-T: the targeted difference-of-logits ratio −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2), run once per target class t
    /// (the most likely wrong classes of the clean input), which is invariant to shifting and scaling the logits.</summary>
    TargetedDlr = 1,
}
