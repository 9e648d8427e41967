namespace MLExtensions;

/// <summary>
/// Multiplies the learning rate by <paramref name="Gamma"/> at each milestone (PyTorch's <c>MultiStepLR</c>, stepped once per
/// optimizer step): factor = Gamma^(number of milestones ≤ step).
/// </summary>
/// <param name="Milestones">Optimizer steps at which the rate decays, strictly increasing, each at least 1.</param>
/// <param name="Gamma">Decay per milestone. Default 0.1; in (0, 1].</param>
public sealed record MultiStepSchedule(long[] Milestones, double Gamma = 0.1) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        int passed = 0;
        while (passed < Milestones.Length && Milestones[passed] <= step) passed++;
        return Math.Pow(Gamma, passed);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Milestones is null || Milestones.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(Milestones), "Milestones needs at least one step.");
        for (int i = 0; i < Milestones.Length; i++)
        {
            if (Milestones[i] < 1 || (i > 0 && Milestones[i] <= Milestones[i - 1]))
                throw new ArgumentOutOfRangeException(nameof(Milestones), Milestones[i], "Milestones must be strictly increasing steps of at least 1.");
        }

        RequireDecay(Gamma, nameof(Gamma));
    }
}
