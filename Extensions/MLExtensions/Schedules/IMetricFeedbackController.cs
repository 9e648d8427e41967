namespace MLExtensions;

/// <summary>
/// A schedule controller driven by a metric measured once per epoch (<see cref="ReduceOnPlateauSchedule"/>), as PyTorch's
/// <c>scheduler.step(metric)</c>.
/// </summary>
/// <remarks>
/// The trainers call <see cref="ObserveMetric"/> at the end of every epoch with the validation loss, or the training loss when
/// there is no validation data. A plain TorchSharp loop calls it itself after each epoch (or whatever period it evaluates at);
/// <see cref="IScheduleController.BeforeStep"/> still sets the rates before every optimizer step.
/// </remarks>
public interface IMetricFeedbackController : IScheduleController
{
    /// <summary>Takes the metric of the period that just ended; the rates of the coming steps follow from it.</summary>
    /// <param name="value">The metric (NaN counts as no improvement, as in PyTorch).</param>
    void ObserveMetric(double value);
}
