
namespace MLExtensions;

/// <summary>Trains a multilayer perceptron on TorchSharp as an ML.NET multiclass classifier (key label; cross-entropy loss).</summary>
/// <remarks>Create it with <c>mlContext.MulticlassClassification.Trainers.NeuralNetwork(...)</c>.</remarks>
public sealed class NeuralNetworkMulticlassTrainer : NeuralNetworkTrainerBase
{
    /// <summary>Options of <see cref="NeuralNetworkMulticlassTrainer"/>; defaults are documented on each member.</summary>
    public sealed class Options : NeuralNetworkOptionsBase
    {
        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)CloneBase();
    }

    /// <summary>Creates the trainer from a validated copy of <paramref name="options"/>.</summary>
    /// <param name="options">The options; copied, so later edits do not reach this trainer.</param>
    /// <param name="progress">Receives one report per epoch from the training thread, or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public NeuralNetworkMulticlassTrainer(Options options, IProgress<TrainingProgress>? progress = null)
        : base(ValidatedCopy(options), PredictionTask.MulticlassClassification, progress)
    {
    }

    private static Options ValidatedCopy(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        return copy;
    }
}
