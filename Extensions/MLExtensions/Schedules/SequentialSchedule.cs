namespace MLExtensions;

/// <summary>
/// PyTorch's <c>SequentialLR</c>: <paramref name="Schedules"/> run one after another, the next taking over at each of
/// <paramref name="Milestones"/> with its progress restarted, e.g. a <see cref="LinearSchedule"/> warm-up for 500 steps, then
/// <see cref="CosineSchedule"/> over the rest. Each part sees its own length as the run's length (the last, the steps left after
/// the last milestone), so a schedule that spans the run (cosine without <c>PeriodSteps</c>) spans its part.
/// </summary>
/// <remarks>
/// Every part's factor multiplies the optimizer's own rate, as in PyTorch except after a <c>OneCycleLR</c>: PyTorch's one-cycle
/// resets the groups' initial rates to <c>max_lr / div_factor</c> when it is built, which changes the base of the parts before
/// it; here it does not. Parts give only their factor, so feedback schedules and schedules that cycle the momentum are refused.
/// </remarks>
/// <param name="Schedules">The parts, in order: at least two, each closed-form (no feedback, <c>CycleMomentum</c> off).</param>
/// <param name="Milestones">The optimizer steps at which the next part starts: one fewer than the parts, strictly increasing,
/// each at least 1.</param>
public sealed record SequentialSchedule(LearningRateScheduleSpec[] Schedules, long[] Milestones) : LearningRateScheduleSpec
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps)
    {
        int part = 0;
        while (part < Milestones.Length && step >= Milestones[part]) part++;
        long start = part == 0 ? 0 : Milestones[part - 1];
        long end = part < Milestones.Length ? Milestones[part] : Math.Max(totalSteps, start);
        return Schedules[part].Factor(step - start, end - start);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Schedules is null || Schedules.Length < 2)
            throw new ArgumentOutOfRangeException(nameof(Schedules), "Schedules needs at least two parts; a single schedule is given directly.");
        if (Milestones is null || Milestones.Length != Schedules.Length - 1)
            throw new ArgumentOutOfRangeException(nameof(Milestones), Milestones?.Length,
                $"Milestones needs one step per part after the first: {Schedules.Length - 1} for {Schedules.Length} schedules.");
        for (int i = 0; i < Milestones.Length; i++)
        {
            if (Milestones[i] < 1 || (i > 0 && Milestones[i] <= Milestones[i - 1]))
                throw new ArgumentOutOfRangeException(nameof(Milestones), Milestones[i],
                    $"Milestones must be optimizer steps of at least 1 in strictly increasing order; Milestones[{i}] is {Milestones[i]}.");
        }

        for (int i = 0; i < Schedules.Length; i++)
        {
            var part = Schedules[i] ?? throw new ArgumentOutOfRangeException(nameof(Schedules), $"Schedules[{i}] is null.");
            RequireFactorOnly(part, $"{nameof(Schedules)}[{i}]", "To follow the parts with a feedback schedule, give this schedule as its Base.");
            part.Validate();
        }
    }
}
