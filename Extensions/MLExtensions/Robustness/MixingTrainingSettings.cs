namespace MLExtensions;

/// <summary>The settings <see cref="MixingNetworkTraining"/> reads (validated by the trainer's options).</summary>
/// <param name="Epochs">Passes over the training rows.</param>
/// <param name="BatchSize">Clean rows per step (each step trains on twice as many: the clean and the attacked copies).</param>
/// <param name="LearningRate">AdamW learning rate.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
/// <param name="BceWeight">Weight of the detector loss BCE(γ, s).</param>
/// <param name="CrossEntropyWeight">Weight of the mixture's cross-entropy.</param>
/// <param name="GradientClipNorm">Global gradient-norm clip.</param>
/// <param name="EpsilonLow">Lower end of the training radius, as a multiple of ε₀.</param>
/// <param name="EpsilonHigh">Upper end of the training radius, as a multiple of ε₀.</param>
/// <param name="GammaClamp">Half-width of the train-time γ clamp in batch standard deviations, or <c>null</c> for none.</param>
/// <param name="NumberOfThreads">TorchSharp threads for the run, or <c>null</c> to leave the setting.</param>
internal sealed record MixingTrainingSettings(int Epochs, int BatchSize, double LearningRate, double WeightDecay, double BceWeight,
                                              double CrossEntropyWeight, double GradientClipNorm, double EpsilonLow,
                                              double EpsilonHigh, double? GammaClamp, int? NumberOfThreads);
