namespace MLExtensions;

/// <summary>
/// One GBNN step: a one-hidden-layer network with J units fitted to the pseudo-residuals, and its step length. It adds
/// <c>Rho · (OutputWeights · act(HiddenWeights · x + HiddenBias) + OutputBias)</c> to the raw scores.
/// </summary>
/// <param name="HiddenWeights">Row-major [J, inputs] (PyTorch's layout).</param>
/// <param name="HiddenBias">[J].</param>
/// <param name="OutputWeights">Row-major [K, J]; K = 1 for regression and binary, the class count for multiclass.</param>
/// <param name="OutputBias">[K].</param>
/// <param name="Rho">
/// The step length: the learning rate times the (capped) Newton step for classification; for regression the learning rate, times
/// the target's standard deviation when the target was standardized.
/// </param>
/// <param name="TrainingLoss">
/// Mean training loss after this step (squared error in the label's units, binary log-loss of sigmoid(2F), or cross-entropy).
/// </param>
/// <param name="ValidationLoss">The same loss on the validation rows after this step; <c>null</c> when training had no validation.</param>
public sealed record BoostingStep(IReadOnlyList<double> HiddenWeights, IReadOnlyList<double> HiddenBias, IReadOnlyList<double> OutputWeights,
                                  IReadOnlyList<double> OutputBias, double Rho, double TrainingLoss, double? ValidationLoss = null);
