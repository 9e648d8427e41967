using Microsoft.ML;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>A seeded tuner proposing <c>{"x": u}</c>, u uniform in [0, 1) (tests only; the real tuners live on automl-tuners).</summary>
internal sealed class UniformTestTuner(int seed) : ITuner
{
    private readonly Random _random = new(seed);

    public List<TrialResult> Updates { get; } = [];

    public Parameter Propose(TrialSettings settings) =>
        Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(_random.NextDouble())));

    public void Update(TrialResult result) => Updates.Add(result);
}

/// <summary>A trial runner running a delegate on (trial id, x, reporter, token) and returning its metric.</summary>
internal sealed class DelegateRunner(Func<int, double, ITrialReporter?, CancellationToken, double> body) : ITrialRunner
{
    public Task<TrialResult> RunAsync(TrialSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(new TrialResult
        {
            TrialSettings = settings,
            Metric = body(settings.TrialId, settings.Parameter["x"].AsType<double>(), settings.Reporter, cancellationToken),
        });

    public void Dispose()
    {
    }
}

/// <summary>Records what the monitor is told.</summary>
internal sealed class RecordingMonitor : IMonitor
{
    public Action<TrialSettings>? OnRunning { get; init; }

    public List<int> Running { get; } = [];

    public List<TrialResult> Completed { get; } = [];

    public List<int> Best { get; } = [];

    public void ReportRunningTrial(TrialSettings settings)
    {
        Running.Add(settings.TrialId);
        OnRunning?.Invoke(settings);
    }

    public void ReportCompletedTrial(TrialResult result) => Completed.Add(result);

    public void ReportBestTrial(TrialResult result) => Best.Add(result.TrialSettings.TrialId);
}

internal static class Experiments
{
    /// <summary>An experiment over x maximizing a custom metric, with the test tuner and <paramref name="body"/> as the trial.</summary>
    public static AutoMLExperiment Create(Func<int, double, ITrialReporter?, CancellationToken, double> body, int seed = 1, bool maximize = true) =>
        new AutoMLExperiment(new MLContext(0))
            .SetTrialRunner(_ => new DelegateRunner(body))
            .SetMetricManager(new TestMetric(maximize))
            .SetTuner(s => new UniformTestTuner(s))
            .SetSeed(seed);

    /// <summary>Waits on the token in small slices, as a trainer checking it per batch would.</summary>
    public static void WaitForCancellation(CancellationToken token)
    {
        while (true)
        {
            token.ThrowIfCancellationRequested();
            Thread.Sleep(5);
        }
    }

    private sealed class TestMetric(bool maximize) : IMetricManager
    {
        public string MetricName => "Test";

        public bool IsMaximize => maximize;

        public double Evaluate(MLContext context, IDataView scored) => throw new NotSupportedException();
    }
}

/// <summary>A seeded tuner drawing each feature-space coordinate uniformly (tests only).</summary>
internal sealed class FeatureSpaceTestTuner(SearchSpace space, int seed) : ITuner
{
    private readonly Random _random = new(seed);

    public Parameter Propose(TrialSettings settings) =>
        space.SampleFromFeatureSpace(Enumerable.Range(0, space.FeatureSpaceDim).Select(_ => _random.NextDouble()).ToArray());

    public void Update(TrialResult result)
    {
    }
}

/// <summary>A pruner stopping every trial but the first at <paramref name="step"/>.</summary>
internal sealed class PruneAfterFirstTrialPruner(int step) : IPruner
{
    public bool ShouldPrune(int trialId, int reportedStep, double loss, ITrialHistory history) => trialId > 0 && reportedStep >= step;
}
