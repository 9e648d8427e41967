using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Trials written by hand run before the tuner's, completed with the space's defaults, and are not repeated on resume.</summary>
[TestClass]
public sealed class EnqueuedTrialTests
{
    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    /// <summary>The trial's value: x plus depth / 10 (branch a) or rate (branch b), written into every row's Score.</summary>
    private static double Value(Parameter p) =>
        p["x"].AsType<double>() + (p["model"]["Kind"].AsType<string>() == "a" ? p["model"]["depth"].AsType<int>() / 10.0 : p["model"]["rate"].AsType<double>());

    private static IEstimator<ITransformer> Build(MLContext context, Parameter p)
    {
        float value = (float)Value(p);
        return context.Transforms.CustomMapping<PipelineExperimentTests.Row, ScoreRow>((_, o) => o.Score = value, contractName: null);
    }

    private sealed class MeanScore : IMetricManager
    {
        public string MetricName => "MeanScore";

        public bool IsMaximize => true;

        public double Evaluate(MLContext context, IDataView scored) => scored.GetColumn<float>("Score").Average();
    }

    private sealed class RecordingTuner(ITuner inner) : ITuner
    {
        public List<int> Told { get; } = [];

        public Parameter Propose(TrialSettings settings) => inner.Propose(settings);

        public void Update(TrialResult result)
        {
            Told.Add(result.TrialSettings.TrialId);
            inner.Update(result);
        }
    }

    private static AutoMLExperiment Create(SearchSpace space, ITuner tuner)
    {
        var context = new MLContext(1);
        return new AutoMLExperiment(context)
            .SetPipeline(Build, space)
            .SetDataset(PipelineExperimentTests.Data(context, 20, 1), PipelineExperimentTests.Data(context, 10, 2))
            .SetMetricManager(new MeanScore())
            .SetTuner(tuner)
            .SetRefit(false)
            .SetSeed(5);
    }

    [TestMethod]
    public async Task EnqueuedTrialsRunFirstInOrderCompletedWithTheDefaultsAndTheTunerLearnsFromThem()
    {
        var space = CompleteParameterTests.Space();
        var tuner = new RecordingTuner(new RandomSearchTuner(space, 3));
        var result = await Create(space, tuner)
            .EnqueueTrial(Parameter.FromJson("""{"x": 0.9}"""))
            .EnqueueTrial(Parameter.FromJson("""{"model": {"Kind": "b", "rate": 0.5}}"""))
            .SetMaxTrials(4).RunAsync();

        Assert.AreEqual(4, result.Trials.Count, "enqueued trials count towards the budget");
        Assert.AreEqual(space.CompleteParameter(Parameter.FromJson("""{"x": 0.9}""")), result.Trials[0].TrialSettings.Parameter);
        Assert.AreEqual(space.CompleteParameter(Parameter.FromJson("""{"model": {"Kind": "b", "rate": 0.5}}""")), result.Trials[1].TrialSettings.Parameter);
        Assert.AreEqual(0.9 + 0.3, result.Trials[0].Metric, 1e-6);
        Assert.AreEqual(0.25 + 0.5, result.Trials[1].Metric, 1e-6);
        CollectionAssert.AreEquivalent(new[] { 0, 1, 2, 3 }, tuner.Told);

        // Without them the same seed starts with the tuner's own proposals.
        var plain = await Create(space, new RandomSearchTuner(space, 3)).SetMaxTrials(2).RunAsync();
        Assert.AreNotEqual(result.Trials[0].TrialSettings.Parameter, plain.Trials[0].TrialSettings.Parameter);
    }

    [TestMethod]
    public async Task ResumingAStudyDoesNotRepeatAnEnqueuedTrial()
    {
        var space = CompleteParameterTests.Space();
        using var storage = new InMemoryTrialStorage();
        var first = await Create(space, new RandomSearchTuner(space, 3)).SetStorage(storage, "s")
            .EnqueueTrial(Parameter.FromJson("""{"x": 0.9}""")).SetMaxTrials(2).RunAsync();
        Assert.AreEqual(2, first.Trials.Count);

        var second = await Create(space, new RandomSearchTuner(space, 4)).SetStorage(storage, "s")
            .EnqueueTrial(Parameter.FromJson("""{"x": 0.9}"""))
            .EnqueueTrial(Parameter.FromJson("""{"x": 0.1}"""))
            .SetMaxTrials(4).RunAsync();
        var parameters = second.Trials.Select(t => t.TrialSettings.Parameter["x"].AsType<double>()).ToList();
        Assert.AreEqual(4, parameters.Count, string.Join(", ", parameters));
        Assert.AreEqual(1, parameters.Count(x => x == 0.9), string.Join(", ", parameters));
        Assert.AreEqual(0.1, second.Trials[2].TrialSettings.Parameter["x"].AsType<double>(), "the new enqueued trial runs first in the resumed run");
    }

    [TestMethod]
    public void ABadEnqueuedParameterIsRefusedWhenEnqueuedNamingTheKey()
    {
        var experiment = Create(CompleteParameterTests.Space(), new RandomSearchTuner(CompleteParameterTests.Space(), 1));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => experiment.EnqueueTrial(Parameter.FromJson("""{"depth": 3}"""))).Message,
            "'depth' is not an option of the search space");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => experiment.EnqueueTrial(Parameter.FromJson("""{"model": {"depth": 30}}"""))).Message,
            "Option 'model'");
    }
}
