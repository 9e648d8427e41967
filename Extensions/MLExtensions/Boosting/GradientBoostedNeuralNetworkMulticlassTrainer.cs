using MLExtensions.Trainers;

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
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public GradientBoostedNeuralNetworkMulticlassTrainer(Options options)
        : base(ValidatedCopy(options, o => o.Clone()), PredictionTask.MulticlassClassification)
    {
    }
}
