namespace MLExtensions;

/// <summary>One row of a model's training history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainingLoss">Mean training loss.</param>
/// <param name="ValidationLoss">Validation loss, or <c>null</c> without a validation set.</param>
/// <param name="LearningRate">Learning rate at the epoch's last step.</param>
/// <param name="GradientNorm">Mean global gradient norm over the epoch's (sampled) steps, see <see cref="TrainingProgress.GradientNorm"/>.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch.</param>
public sealed record EpochRecord(int Epoch, double TrainingLoss, double? ValidationLoss, double LearningRate, double GradientNorm, double Seconds);
