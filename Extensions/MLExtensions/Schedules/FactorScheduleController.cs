using TorchSharp;

namespace MLExtensions;

/// <summary>
/// The controller of a pure schedule: every group's rate is its initial rate × the scale × <see cref="LearningRateScheduleSpec.Factor"/>
/// of the context's step; schedules that cycle momentum (<see cref="IMomentumCycling"/>) also set each group's momentum or β1
/// when the optimizer has one (see <see cref="MomentumAccess"/>).
/// </summary>
internal sealed class FactorScheduleController : ScheduleControllerBase
{
    private readonly LearningRateScheduleSpec _schedule;
    private readonly IMomentumCycling? _momentum;
    private readonly MomentumAccess? _access;

    /// <summary>Controls <paramref name="optimizer"/> with <paramref name="schedule"/>.</summary>
    public FactorScheduleController(LearningRateScheduleSpec schedule, torch.optim.Optimizer optimizer) : base(optimizer)
    {
        _schedule = schedule;
        if (schedule is IMomentumCycling { CycleMomentum: true } cycling && MomentumAccess.TryCreate(Groups) is { } access)
        {
            _momentum = cycling;
            _access = access;
        }
    }

    /// <summary>Whether this controller sets the groups' momentum (the schedule cycles it and the optimizer has one).</summary>
    public bool CyclesMomentum => _access is not null;

    /// <inheritdoc />
    public override void BeforeStep(in TrainingStepContext context)
    {
        double factor = _schedule.Factor(context.Step, context.TotalSteps);
        for (int i = 0; i < Groups.Count; i++) SetFactor(i, factor, context);
        if (_access is not null) _access.Set(_momentum!.MomentumAt(context.Step, context.TotalSteps));
    }
}
