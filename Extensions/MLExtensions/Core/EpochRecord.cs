namespace MLExtensions;

/// <summary>One row of a model's training history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Mean training loss.</param>
/// <param name="ValidationLoss">Validation loss, or <c>null</c> without a validation set.</param>
/// <param name="LearningRate">Learning rate of the first parameter group at the epoch's last step.</param>
/// <param name="GradientNorm">Mean global gradient ℓ2 norm (before clipping) over the epoch's steps, see <see cref="StepGradientNorms"/>.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch.</param>
public sealed record EpochRecord(int Epoch, double TrainingLoss, double? ValidationLoss, double LearningRate, double GradientNorm, double Seconds)
{
    /// <summary>Rows in the epoch's last batch-size setting (the batch size of its last step, the last partial batch aside).</summary>
    /// <value>0 when not recorded (histories made by hand).</value>
    public int BatchSize { get; init; }

    /// <summary>Optimizer steps taken in the epoch.</summary>
    /// <value>0 when not recorded.</value>
    public int OptimizerSteps { get; init; }

    /// <summary>Momentum (options <c>Momentum</c>, else <c>Beta1</c>) of the first parameter group at the epoch's last step.</summary>
    /// <value><c>null</c> when the optimizer has neither.</value>
    public double? Momentum { get; init; }

    /// <summary>The global gradient's ℓ2 norm (before clipping) at every optimizer step of the epoch, in order: the input of
    /// <see cref="RefinedSchedule.FromHistory(IEnumerable{EpochRecord}, OptimizerFamily)"/> for SGD-like optimizers.</summary>
    /// <value>Empty when not recorded.</value>
    /// <remarks>On the CPU without gradient clipping both norms are summed in managed code from the gradients' memory; they agree
    /// with LibTorch's norm kernels (used on CUDA and with clipping) to float rounding, about 1e-7 relatively.</remarks>
    public IReadOnlyList<double> StepGradientNorms { get; init; } = [];

    /// <summary>The global gradient's ℓ1 norm (before clipping) at every optimizer step of the epoch, in order: the input of
    /// <see cref="RefinedSchedule.FromHistory(IEnumerable{EpochRecord}, OptimizerFamily)"/> for Adam-like optimizers.</summary>
    /// <value>Empty when not recorded.</value>
    public IReadOnlyList<double> StepGradientL1Norms { get; init; } = [];
}
