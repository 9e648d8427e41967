using System.Globalization;

namespace MLExtensions;

/// <summary>One epoch's report from the training loop.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TotalEpochs">Epochs planned (training may stop earlier).</param>
/// <param name="TrainingLoss">Mean training loss over the epoch (weighted by example weights).</param>
/// <param name="ValidationLoss">Loss on the validation set, or <c>null</c> without one.</param>
/// <param name="LearningRate">Learning rate of the first parameter group at the epoch's last step.</param>
/// <param name="GradientNorm">Mean global gradient L2 norm (before clipping) over the epoch's steps: every step with clipping,
/// else every <see cref="NeuralTrainingLoop.GradientNormSampleInterval"/>-th step.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, validation included.</param>
public readonly record struct TrainingProgress(int Epoch, int TotalEpochs, double TrainingLoss, double? ValidationLoss,
                                               double LearningRate, double GradientNorm, double Seconds)
{
    /// <summary>A one-line log entry such as <c>epoch 3/20: loss 0.4123, validation 0.4301, lr 0.000950, grad 1.23, 0.41 s</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{TotalEpochs}: loss {TrainingLoss:0.######}, validation {(ValidationLoss is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "-")}, lr {LearningRate:0.######}, grad {GradientNorm:0.###}, {Seconds:0.##} s");
}
