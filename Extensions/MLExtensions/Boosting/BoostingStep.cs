namespace MLExtensions.Boosting;

/// <summary>
/// One GBNN step: a one-hidden-layer network with J units fitted to the pseudo-residuals, and its step length. It adds
/// <c>Rho · (OutputWeights · act(HiddenWeights · x + HiddenBias) + OutputBias)</c> to the raw scores.
/// </summary>
/// <param name="HiddenWeights">Row-major [J, inputs] (PyTorch's layout).</param>
/// <param name="HiddenBias">[J].</param>
/// <param name="OutputWeights">Row-major [K, J]; K = 1 for regression and binary, the class count for multiclass.</param>
/// <param name="OutputBias">[K].</param>
/// <param name="Rho">The step length: the learning rate times the Newton step (the learning rate alone for regression).</param>
/// <param name="TrainingLoss">Mean training loss after this step (squared error, binary log-loss of sigmoid(2F), or cross-entropy).</param>
public sealed record BoostingStep(IReadOnlyList<double> HiddenWeights, IReadOnlyList<double> HiddenBias, IReadOnlyList<double> OutputWeights,
                                  IReadOnlyList<double> OutputBias, double Rho, double TrainingLoss);
