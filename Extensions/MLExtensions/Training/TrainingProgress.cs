using System.Globalization;

namespace MLExtensions;

/// <summary>One report from the training loop: the end of an epoch, a report inside a long epoch, or a GBNN boosting step (see <see cref="Kind"/>).</summary>
/// <param name="Epoch">1-based epoch number (the step number for <see cref="TrainingProgressKind.BoostingStep"/>).</param>
/// <param name="TotalEpochs">Epochs (or boosting steps) planned; training may stop earlier.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch (weighted by example weights); over its batches so far for a batch report.</param>
/// <param name="ValidationLoss">Loss on the validation set, or <c>null</c> without one (always <c>null</c> in a batch report).</param>
/// <param name="LearningRate">Learning rate of the first parameter group at the epoch's last step (at the report's step for a batch
/// report; the step length for a boosting step).</param>
/// <param name="GradientNorm">Mean global gradient L2 norm (before clipping) over the epoch's steps (so far, for a batch report).
/// 0 for boosting steps.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took, validation included (so far, for a batch report).</param>
public readonly record struct TrainingProgress(int Epoch, int TotalEpochs, double TrainingLoss, double? ValidationLoss,
                                               double LearningRate, double GradientNorm, double Seconds)
{
    /// <summary>What this report marks.</summary>
    /// <value>Default <see cref="TrainingProgressKind.Epoch"/>.</value>
    public TrainingProgressKind Kind { get; init; }

    /// <summary>For a <see cref="TrainingProgressKind.Batch"/> report, the 1-based batch within the epoch; 0 otherwise.</summary>
    public int Batch { get; init; }

    /// <summary>Batches per epoch (0 when unknown, as for boosting steps).</summary>
    public int BatchCount { get; init; }

    /// <summary>Wall-clock seconds since the fit started (0 when the reporter does not measure it).</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>Share of the planned work done at this report, in [0, 1]: epochs (and batches of the current one) over <see cref="TotalEpochs"/>.</summary>
    public double FractionDone => TotalEpochs <= 0 ? 0
        : Math.Clamp((Kind == TrainingProgressKind.Batch && BatchCount > 0 ? Epoch - 1 + (double)Batch / BatchCount : Epoch) / TotalEpochs, 0, 1);

    /// <summary>Estimated seconds left if training runs all planned epochs at the pace so far (<see cref="ElapsedSeconds"/> over
    /// <see cref="FractionDone"/>); <c>null</c> before any elapsed time is known. Early stopping can end training sooner.</summary>
    public double? EstimatedSecondsLeft => ElapsedSeconds > 0 && FractionDone > 0 ? ElapsedSeconds * (1 - FractionDone) / FractionDone : null;

    /// <summary>A one-line log entry such as <c>epoch 3/20: loss 0.4123, validation 0.4301, lr 0.000950, grad 1.23, 0.41 s</c>
    /// (<c>epoch 3/20, batch 100/400: ...</c> for a batch report, <c>step 3/20: ..., step length 0.3</c> for a boosting step).</summary>
    public override string ToString() => Kind switch
    {
        TrainingProgressKind.Batch => string.Create(CultureInfo.InvariantCulture,
            $"epoch {Epoch}/{TotalEpochs}, batch {Batch}/{BatchCount}: loss {TrainingLoss:0.######}, lr {LearningRate:0.######}, grad {GradientNorm:0.###}, {Seconds:0.##} s"),
        TrainingProgressKind.BoostingStep => string.Create(CultureInfo.InvariantCulture,
            $"step {Epoch}/{TotalEpochs}: loss {TrainingLoss:0.######}, validation {FormatLoss(ValidationLoss)}, step length {LearningRate:0.######}, {Seconds:0.##} s"),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"epoch {Epoch}/{TotalEpochs}: loss {TrainingLoss:0.######}, validation {FormatLoss(ValidationLoss)}, lr {LearningRate:0.######}, grad {GradientNorm:0.###}, {Seconds:0.##} s"),
    };

    private static string FormatLoss(double? loss) => loss is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "-";
}
