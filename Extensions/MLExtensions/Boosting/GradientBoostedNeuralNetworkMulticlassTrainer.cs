using MLExtensions.Trainers;
using MLExtensions.Training;

namespace MLExtensions.Boosting;

/// <summary>
/// GBNN for multiclass (label: key): a one-hidden-layer network grown in boosting steps of a few units each; outputs the
/// same columns as <see cref="NeuralNetworkMulticlassTrainer"/>.
/// </summary>
public sealed class GradientBoostedNeuralNetworkMulticlassTrainer : GradientBoostedNeuralNetworkTrainerBase
{
    /// <summary>Options of <see cref="GradientBoostedNeuralNetworkMulticlassTrainer"/>; defaults are documented on each member.</summary>
    public sealed class Options : GradientBoostedNeuralNetworkOptionsBase
    {
        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)CloneBase();
    }

    /// <summary>Creates the trainer from a validated copy of <paramref name="options"/>.</summary>
    /// <param name="options">The options; copied, so later edits do not reach this trainer.</param>
    /// <param name="progress">Receives one report per boosting step (Epoch = step, LearningRate = step length ρ), or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public GradientBoostedNeuralNetworkMulticlassTrainer(Options options, IProgress<TrainingProgress>? progress = null)
        : base(ValidatedCopy(options, o => o.Clone()), PredictionTask.MulticlassClassification, progress)
    {
    }
}
