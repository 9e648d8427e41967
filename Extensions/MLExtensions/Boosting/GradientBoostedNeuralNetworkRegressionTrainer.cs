
namespace MLExtensions;

/// <summary>
/// GBNN for regression (label: Single): a one-hidden-layer network grown in boosting steps of a few units each; outputs the
/// same columns as <see cref="NeuralNetworkRegressionTrainer"/>.
/// </summary>
public sealed class GradientBoostedNeuralNetworkRegressionTrainer : GradientBoostedNeuralNetworkTrainerBase
{
    /// <summary>Options of <see cref="GradientBoostedNeuralNetworkRegressionTrainer"/>; defaults are documented on each member.</summary>
    public sealed class Options : GradientBoostedNeuralNetworkOptionsBase
    {
        /// <summary>
        /// Boost on the standardized target (y − mean) / sd of the training rows, as the neural trainers do, and fold the scaling back
        /// into the model so that scores, step outputs and losses are in the label's units: each step's <c>Rho</c> becomes
        /// η·sd and the initial score the mean. One-unit steps fit a unit-scale residual much better than a raw one (dollars, say).
        /// </summary>
        /// <value>Default true; false fits the raw target (the reference implementation). A constant target is never rescaled.</value>
        public bool StandardizeTarget { get; set; } = true;

        /// <summary>A copy whose later edits do not affect this instance.</summary>
        public Options Clone() => (Options)CloneBase();

        /// <summary>
        /// The reference implementation's settings (GAA-UAM/GBNN's defaults, which the paper uses): 200 units, J = 1, learning
        /// rate 1, subsample 0.5, 200 L-BFGS iterations, L2 1e-4, logistic units, unbounded Newton steps, no validation or early
        /// stopping, raw (unstandardized) target. They overfit small and imbalanced data sets; use them to replay the paper.
        /// </summary>
        public static Options Reference()
        {
            var options = new Options { StandardizeTarget = false };
            options.ApplyReferenceSettings();
            return options;
        }
    }

    /// <summary>Creates the trainer from a validated copy of <paramref name="options"/>.</summary>
    /// <param name="options">The options; copied, so later edits do not reach this trainer.</param>
    /// <param name="progress">Receives one report per boosting step (Epoch = step, LearningRate = step length ρ), or <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public GradientBoostedNeuralNetworkRegressionTrainer(Options options, IProgress<TrainingProgress>? progress = null)
        : base(ValidatedCopy(options, o => o.Clone()), PredictionTask.Regression, progress)
    {
    }
}
