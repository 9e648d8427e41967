
namespace MLExtensions;

/// <summary>
/// GBNN for binary (label: Boolean): a one-hidden-layer network grown in boosting steps of a few units each; outputs the
/// same columns as <see cref="NeuralNetworkBinaryTrainer"/>.
/// </summary>
public sealed class GradientBoostedNeuralNetworkBinaryTrainer : GradientBoostedNeuralNetworkTrainerBase
{
    /// <summary>Options of <see cref="GradientBoostedNeuralNetworkBinaryTrainer"/>; defaults are documented on each member.</summary>
    public sealed class Options : GradientBoostedNeuralNetworkOptionsBase
    {
        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)CloneBase();

        /// <summary>
        /// The reference implementation's settings (GAA-UAM/GBNN's defaults, which the paper uses): 200 units, J = 1, learning
        /// rate 1, subsample 0.5, 200 L-BFGS iterations, L2 1e-4, logistic units, unbounded Newton steps, no validation or early
        /// stopping. They overfit small and imbalanced data sets; use them to replay the paper.
        /// </summary>
        public static Options Reference()
        {
            var options = new Options();
            options.ApplyReferenceSettings();
            return options;
        }
    }

    /// <summary>Creates the trainer from a validated copy of <paramref name="options"/>.</summary>
    /// <param name="options">The options; copied, so later edits do not reach this trainer.</param>
    /// <param name="progress">Receives one report per boosting step (Epoch = step, LearningRate = step length ρ), or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public GradientBoostedNeuralNetworkBinaryTrainer(Options options, IProgress<TrainingProgress>? progress = null)
        : base(ValidatedCopy(options, o => o.Clone()), PredictionTask.BinaryClassification, progress)
    {
    }
}
