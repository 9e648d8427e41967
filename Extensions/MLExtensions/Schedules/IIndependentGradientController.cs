namespace MLExtensions;

/// <summary>
/// A schedule controller that, before each optimizer step, needs the gradient of a second, independent minibatch at the same
/// weights (<see cref="LantonSchedule"/> with <see cref="LantonNoiseEstimate.IndependentGradient"/>, the paper's option I).
/// </summary>
/// <remarks>
/// A plain TorchSharp loop, per step: <c>zero_grad()</c>, the loss of the second minibatch, <c>backward()</c>,
/// <see cref="ObserveIndependentGradient"/>; then <c>zero_grad()</c>, the loss of the step's own minibatch, <c>backward()</c>,
/// <see cref="IScheduleController.BeforeStep"/>, <c>optimizer.step()</c>. The trainers' loop does this itself whenever
/// <see cref="NeedsIndependentGradient"/> is true (one extra forward and backward pass per step; see
/// <see cref="LantonNoiseEstimate.IndependentGradient"/> for how it draws the second minibatch).
/// </remarks>
public interface IIndependentGradientController : IScheduleController
{
    /// <summary>Whether <see cref="IScheduleController.BeforeStep"/> needs <see cref="ObserveIndependentGradient"/> first.</summary>
    bool NeedsIndependentGradient { get; }

    /// <summary>Copies the current gradients of the optimizer's parameters as the independent gradient for the coming step; the
    /// next <see cref="IScheduleController.BeforeStep"/> uses it once.</summary>
    void ObserveIndependentGradient();
}
