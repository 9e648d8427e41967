using Microsoft.ML;

namespace MLExtensions.AutoML;

/// <summary>
/// Runs a trial of a pipeline: builds the estimator from the trial's parameter, fits it on the training split, scores the
/// evaluation split and evaluates the metric; with folds it rebuilds the pipeline per fold, averages the metric and keeps
/// the first fold's model. The trial's reporter (through <see cref="TrialScope"/>) sees the first fold only, so steps stay
/// increasing. The token is checked between the stages and folds.
/// </summary>
internal sealed class PipelineTrialRunner(MLContext context, Func<MLContext, Parameter, IEstimator<ITransformer>> build,
    ExperimentDataset dataset, IMetricManager metric, int splitSeed) : ITrialRunner
{
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken)
    {
        var splits = dataset.GetSplits(context, splitSeed);
        double sum = 0;
        ITransformer? firstModel = null;
        for (int f = 0; f < splits.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reportingSettings = f == 0 ? settings : new TrialSettings
            {
                TrialId = settings.TrialId, Parameter = settings.Parameter, StartedAtUtc = settings.StartedAtUtc, NumberOfThreads = settings.NumberOfThreads,
            };
            ITransformer model;
            using (TrialScope.Enter(reportingSettings, metric.IsMaximize, cancellationToken))
            {
                var estimator = build(context, settings.Parameter);
                model = estimator.Fit(splits[f].Train);
            }

            cancellationToken.ThrowIfCancellationRequested();
            sum += metric.Evaluate(context, model.Transform(splits[f].Evaluation));
            if (f == 0)
            {
                firstModel = model;
            }
            else
            {
                (model as IDisposable)?.Dispose();
            }
        }

        return Task.FromResult(new TrialResult { TrialSettings = settings, Model = firstModel, Metric = sum / splits.Count });
    }

    public void Dispose()
    {
    }
}
