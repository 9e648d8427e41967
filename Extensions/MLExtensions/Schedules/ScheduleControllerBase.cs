using TorchSharp;
using TorchSharp.Modules;

namespace MLExtensions;

/// <summary>Plumbing of this library's schedule controllers: the optimizer's parameter groups and the rate setter.</summary>
internal abstract class ScheduleControllerBase : IScheduleController
{
    /// <summary>Takes the parameter groups of <paramref name="optimizer"/>.</summary>
    protected ScheduleControllerBase(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        Groups = optimizer.ParamGroups.ToList();
    }

    /// <summary>The optimizer whose groups this controller sets.</summary>
    protected torch.optim.Optimizer Optimizer { get; }

    /// <summary>The optimizer's parameter groups, in order (TorchSharp's <see cref="ParamGroup"/> for this library's optimizers).</summary>
    protected IReadOnlyList<torch.optim.ILearningRateController> Groups { get; }

    /// <summary>Sets group <paramref name="group"/>'s learning rate to its initial rate × the context's scale × <paramref name="factor"/>.</summary>
    protected void SetFactor(int group, double factor, in TrainingStepContext context)
    {
        var g = Groups[group];
        g.LearningRate = g.InitialLearningRate * context.LearningRateScale * factor;
    }

    /// <inheritdoc />
    public abstract void BeforeStep(in TrainingStepContext context);

    /// <inheritdoc />
    public virtual void AfterStep(in TrainingStepContext context)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases tensors the controller holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
