namespace MLExtensions;

/// <summary>
/// The per-run, stateful side of a learning-rate schedule: made once per run by
/// <see cref="LearningRateScheduleSpec.CreateController"/> for one optimizer, it sets every parameter group's learning rate (and,
/// for schedules that cycle it, the momentum) before each optimizer step. Pure schedules get a controller that applies
/// <see cref="LearningRateScheduleSpec.Factor"/>; feedback schedules read the gradients of the optimizer's parameters.
/// </summary>
/// <remarks>
/// In a plain TorchSharp loop: <c>loss.backward()</c> (and any clipping), then <see cref="BeforeStep"/>, <c>optimizer.step()</c>,
/// <see cref="AfterStep"/>. Dispose the controller when the run ends (it may hold copies of gradients).
/// </remarks>
public interface IScheduleController : IDisposable
{
    /// <summary>Sets the learning rate of every parameter group (and its momentum where the schedule cycles it) for the coming
    /// optimizer step. Called after the backward pass, so the parameters' gradients are those of this step.</summary>
    /// <param name="context">The step's progress.</param>
    void BeforeStep(in TrainingStepContext context);

    /// <summary>Called after the optimizer step, for controllers that look at the update.</summary>
    /// <param name="context">The same context as the <see cref="BeforeStep"/> call before it.</param>
    void AfterStep(in TrainingStepContext context);
}
