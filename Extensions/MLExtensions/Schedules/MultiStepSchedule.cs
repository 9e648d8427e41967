namespace MLExtensions;

/// <summary>
/// Multiplies the learning rate by <paramref name="Gamma"/> at each milestone (PyTorch's <c>MultiStepLR</c>, stepped once per
/// optimizer step): factor = Gamma^(number of milestones ≤ step).
/// </summary>
/// <param name="Milestones">Optimizer steps at which the rate is multiplied by <paramref name="Gamma"/>, each at least 1, in
/// any order; a step given k times multiplies it by Gamma^k there, as in PyTorch.</param>
/// <param name="Gamma">Factor per milestone. Default 0.1; any finite number above 0 (above 1 the rate grows, as PyTorch
/// allows).</param>
public sealed record MultiStepSchedule(long[] Milestones, double Gamma = 0.1) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        int passed = 0;
        foreach (long milestone in Milestones)
        {
            if (milestone <= step) passed++;
        }

        return Math.Pow(Gamma, passed);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Milestones is null || Milestones.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(Milestones), "Milestones needs at least one step.");
        foreach (long milestone in Milestones)
        {
            if (milestone < 1)
                throw new ArgumentOutOfRangeException(nameof(Milestones), milestone, "Milestones must be optimizer steps of at least 1.");
        }

        RequirePositiveFinite(Gamma, nameof(Gamma));
    }
}
