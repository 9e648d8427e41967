using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions.Tests.Training;

/// <summary>
/// A test schedule around <see cref="LantonSchedule"/> whose controller records, per step, every gradient and weight of the optimizer's
/// parameters when the loop hands over the independent gradient and when it calls <see cref="IScheduleController.BeforeStep"/>, and
/// every group's rate after it. <see cref="Rule"/> replaces the schedule's rate rule when set.
/// </summary>
internal sealed record IndependentGradientProbe(LantonSchedule Inner, ILantonRateRule? Rule = null) : LearningRateScheduleSpec
{
    public List<double[]> IndependentGradients { get; } = [];
    public List<double[]> WeightsAtIndependent { get; } = [];
    public List<double[]> StepGradients { get; } = [];
    public List<double[]> WeightsAtStep { get; } = [];
    public List<double[]> Rates { get; } = [];
    public List<double[]> Ratios { get; } = [];
    public List<double[]> Noise { get; } = [];

    public override double Factor(long step, long totalSteps) => Inner.Factor(step, totalSteps);

    public override void Validate() => Inner.Validate();

    public override IScheduleController CreateController(torch.optim.Optimizer optimizer)
    {
        var inner = (LantonController)(Rule is null ? Inner.CreateController(optimizer) : Inner.CreateController(optimizer, Rule));
        return new Probe(this, inner, optimizer);
    }

    private static double[] Gradients(torch.optim.Optimizer optimizer) => Read(optimizer, p => p.grad);

    private static double[] Weights(torch.optim.Optimizer optimizer) => Read(optimizer, p => p);

    private static double[] Read(torch.optim.Optimizer optimizer, Func<Parameter, torch.Tensor?> select)
    {
        var values = new List<double>();
        foreach (var group in optimizer.ParamGroups.Cast<ParamGroup>())
        {
            foreach (var p in group.Parameters)
            {
                using var t = select(p)?.detach().to(torch.ScalarType.Float64).cpu();
                if (t is not null) values.AddRange(t.data<double>().ToArray());
            }
        }
        return values.ToArray();
    }

    private sealed class Probe(IndependentGradientProbe owner, LantonController inner, torch.optim.Optimizer optimizer) : IIndependentGradientController
    {
        public bool NeedsIndependentGradient => inner.NeedsIndependentGradient;

        public void ObserveIndependentGradient()
        {
            owner.IndependentGradients.Add(Gradients(optimizer));
            owner.WeightsAtIndependent.Add(Weights(optimizer));
            inner.ObserveIndependentGradient();
        }

        public void BeforeStep(in TrainingStepContext context)
        {
            owner.StepGradients.Add(Gradients(optimizer));
            owner.WeightsAtStep.Add(Weights(optimizer));
            inner.BeforeStep(context);
            owner.Rates.Add(optimizer.ParamGroups.Select(g => g.LearningRate).ToArray());
            owner.Ratios.Add(inner.Ratios.ToArray());
            owner.Noise.Add(inner.Noise.ToArray());
        }

        public void AfterStep(in TrainingStepContext context) => inner.AfterStep(context);

        public void Dispose() => inner.Dispose();
    }
}
