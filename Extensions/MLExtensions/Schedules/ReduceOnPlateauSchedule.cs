using Microsoft.ML.SearchSpace;
using TorchSharp;

namespace MLExtensions;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: the learning rate is multiplied by <paramref name="Gamma"/> (PyTorch's <c>factor</c>) when the
/// metric has not improved for more than <paramref name="Patience"/> epochs, then held for <paramref name="Cooldown"/> epochs.
/// The metric comes through <see cref="IMetricFeedbackController.ObserveMetric"/>: in the trainers, each epoch's validation loss
/// (the training loss without validation data). Matches torch 1.13.1 rate by rate (golden <c>torch_plateau.json</c>).
/// </summary>
/// <param name="Base">An optional schedule the reduced rate is multiplied by (e.g. a warm-up); its factor is applied per step.
/// Null: none. It must be a closed-form schedule (no feedback schedule).</param>
/// <param name="Gamma">The reduction factor, in (0, 1). Default 0.1.</param>
/// <param name="Patience">Epochs without improvement that are tolerated; the rate drops at the next one. Default 10; at least 0.</param>
/// <param name="Threshold">The least change that counts as an improvement. Default 1e-4; at least 0.</param>
/// <param name="ThresholdMode">Relative (default) or absolute threshold.</param>
/// <param name="Cooldown">Epochs after a reduction during which bad epochs are not counted. Default 0.</param>
/// <param name="MinLearningRate">The rate never goes below this (absolute, for every group; before <paramref name="Base"/> and the
/// batch-size scaling multiply it). Default 0.</param>
/// <param name="Epsilon">A reduction smaller than this is skipped. Default 1e-8.</param>
/// <param name="Mode">Minimize (default: the metric is a loss) or maximize.</param>
public sealed record ReduceOnPlateauSchedule(
    LearningRateScheduleSpec? Base = null,
    double Gamma = 0.1,
    [property: Range(2, 20, 10)] int Patience = 10,
    double Threshold = 1e-4,
    PlateauThresholdMode ThresholdMode = PlateauThresholdMode.Relative,
    int Cooldown = 0,
    double MinLearningRate = 0,
    double Epsilon = 1e-8,
    PlateauMode Mode = PlateauMode.Minimize) : LearningRateScheduleSpec
{
    /// <summary>The base schedule's factor (1 without one); the reductions depend on the metric and are not part of it.</summary>
    public override double Factor(long step, long totalSteps) => Base?.Factor(step, totalSteps) ?? 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        RequireFactorOnly(Base, nameof(Base), "");
        Base?.Validate();
        if (!(Gamma > 0 && Gamma < 1))
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "Gamma must be in (0, 1).");
        if (Patience < 0)
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be at least 0.");
        if (!(Threshold >= 0) || double.IsInfinity(Threshold))
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "Threshold must be a finite number of at least 0.");
        if (!Enum.IsDefined(ThresholdMode))
            throw new ArgumentOutOfRangeException(nameof(ThresholdMode), ThresholdMode, $"Allowed: {string.Join(", ", Enum.GetNames<PlateauThresholdMode>())}.");
        if (Cooldown < 0)
            throw new ArgumentOutOfRangeException(nameof(Cooldown), Cooldown, "Cooldown must be at least 0.");
        if (!(MinLearningRate >= 0) || double.IsInfinity(MinLearningRate))
            throw new ArgumentOutOfRangeException(nameof(MinLearningRate), MinLearningRate, "MinLearningRate must be a finite number of at least 0.");
        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon))
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be a finite number of at least 0.");
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"Allowed: {string.Join(", ", Enum.GetNames<PlateauMode>())}.");
    }

    /// <summary>Validates, then creates the controller (an <see cref="IMetricFeedbackController"/>).</summary>
    /// <param name="optimizer">The run's optimizer; its groups' initial rates are where the reductions start.</param>
    public override IScheduleController CreateController(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Validate();
        return new ReduceOnPlateauController(this, optimizer);
    }
}
