using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// Microsoft.ML.AutoML's way of starting a <see cref="SweepablePipeline"/>: append sweepable estimators to an estimator (a
/// featurizer, say) or to another sweepable estimator, e.g. <c>featurizer.Append(auto.FastTreeBinary(), auto.NeuralNetworkBinary())</c>.
/// </summary>
public static class SweepableExtensions
{
    /// <summary>A pipeline of <paramref name="estimator"/> as a fixed stage (cost prior 0) followed by a stage that is one of <paramref name="oneOf"/>.</summary>
    /// <param name="estimator">The fixed first stage.</param>
    /// <param name="oneOf">The sweepable estimators of the second stage (several: the trials choose one).</param>
    /// <exception cref="ArgumentException">No sweepable estimators, or a null one.</exception>
    public static SweepablePipeline Append(this IEstimator<ITransformer> estimator, params SweepableEstimator[] oneOf) =>
        new SweepablePipeline().Append(estimator).Append(oneOf);

    /// <summary>A pipeline of <paramref name="estimator"/> followed by a stage that is one of <paramref name="oneOf"/>.</summary>
    /// <param name="estimator">The first stage.</param>
    /// <param name="oneOf">The sweepable estimators of the second stage.</param>
    /// <exception cref="ArgumentException">No sweepable estimators, or a null one.</exception>
    public static SweepablePipeline Append(this SweepableEstimator estimator, params SweepableEstimator[] oneOf) =>
        new SweepablePipeline().Append(estimator).Append(oneOf);

    /// <summary>A pipeline of <paramref name="estimator"/> followed by <paramref name="next"/> as a fixed stage (cost prior 0).</summary>
    /// <param name="estimator">The first stage.</param>
    /// <param name="next">The fixed second stage (e.g. <c>MapKeyToValue</c> after a multiclass trainer).</param>
    public static SweepablePipeline Append(this SweepableEstimator estimator, IEstimator<ITransformer> next) =>
        new SweepablePipeline().Append(estimator).Append(next);
}
