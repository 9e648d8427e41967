using TorchSharp;

namespace MLExtensions.Tests.Training;

/// <summary>
/// A test schedule whose controller records every context it is given, the call order, and the global gradient's ℓ2 and ℓ1
/// norms it sees in <see cref="IScheduleController.BeforeStep"/>; the rate follows <see cref="Inner"/>.
/// </summary>
internal sealed record RecordingSchedule(LearningRateScheduleSpec Inner) : LearningRateScheduleSpec
{
    public List<TrainingStepContext> Before { get; } = [];
    public List<TrainingStepContext> After { get; } = [];
    public List<string> Calls { get; } = [];
    public List<(double L2, double L1)> Norms { get; } = [];
    public int Disposed { get; set; }

    public override double Factor(long step, long totalSteps) => Inner.Factor(step, totalSteps);

    public override void Validate() => Inner.Validate();

    public override IScheduleController CreateController(torch.optim.Optimizer optimizer) => new Recorder(this, Inner.CreateController(optimizer), optimizer);

    private sealed class Recorder(RecordingSchedule owner, IScheduleController inner, torch.optim.Optimizer optimizer) : IScheduleController
    {
        public void BeforeStep(in TrainingStepContext context)
        {
            owner.Before.Add(context);
            owner.Calls.Add("before");
            double squares = 0, absolute = 0;
            foreach (var group in optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>())
            {
                foreach (var p in group.Parameters)
                {
                    if (p.grad is not { } g) continue;
                    var values = g.detach().to(torch.ScalarType.Float64).data<double>().ToArray();
                    squares += values.Sum(v => v * v);
                    absolute += values.Sum(Math.Abs);
                }
            }
            owner.Norms.Add((Math.Sqrt(squares), absolute));
            inner.BeforeStep(context);
        }

        public void AfterStep(in TrainingStepContext context)
        {
            owner.After.Add(context);
            owner.Calls.Add("after");
            inner.AfterStep(context);
        }

        public void Dispose()
        {
            owner.Disposed++;
            inner.Dispose();
        }
    }
}
