
namespace MLExtensions;

/// <summary>What <see cref="NeuralTrainingLoop"/> returns: the trained network (on the CPU, in evaluation mode) and its history.</summary>
/// <param name="Network">The network with the best (or last) weights, moved to the CPU.</param>
/// <param name="History">One record per epoch run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept (the last epoch without validation).</param>
/// <param name="Seed">The seed used, for replay.</param>
/// <param name="DeviceName">The device the network trained on, e.g. <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="AdversarialTraining">The PGD adversarial training used, with the input box it clipped to; <c>null</c> for standard training.</param>
internal sealed record TrainingResult(MlpNetwork Network, IReadOnlyList<EpochRecord> History, int BestEpoch, int Seed, string DeviceName,
                                      AdversarialTrainingOptions? AdversarialTraining = null);
