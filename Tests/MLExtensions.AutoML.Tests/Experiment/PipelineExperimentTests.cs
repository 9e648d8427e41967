using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Experiments over a real pipeline with our neural trainer: progress feeds the pruner, the best is refit.</summary>
[TestClass]
public sealed class PipelineExperimentTests
{
    internal sealed class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    internal static IDataView Data(MLContext context, int rows, int seed)
    {
        var random = new Random(seed);
        return context.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ =>
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            return new Row { Features = [a, b], Label = a + b + 0.3 * (random.NextDouble() - 0.5) > 0 };
        }).ToList());
    }

    private static readonly SearchSpace Space = new(
        new KeyValuePair<string, OptionBase>("LearningRate", new UniformDoubleOption(1e-3, 1e-1, logBase: true)),
        new KeyValuePair<string, OptionBase>("Hidden", new UniformIntOption(4, 16)));

    private static IEstimator<ITransformer> Build(MLContext context, Parameter p, int epochs) =>
        context.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
        {
            HiddenLayerSizes = [p["Hidden"].AsType<int>()],
            Optimizer = new AdamWSpec(LearningRate: p["LearningRate"].AsType<double>()),
            Epochs = epochs,
            BatchSize = 32,
            EarlyStoppingPatience = null,
            Seed = 1,
            NumberOfThreads = 1,
        }, TrialScope.TrainingProgress);

    [TestMethod]
    public async Task TheBestPipelineIsRefitOnTrainAndValidation()
    {
        var context = new MLContext(1);
        var train = Data(context, 200, 1);
        var validation = Data(context, 100, 2);
        var result = await new AutoMLExperiment(context)
            .SetPipeline((c, p) => Build(c, p, epochs: 4), Space)
            .SetDataset(train, validation)
            .SetBinaryClassificationMetric(BinaryClassificationMetric.AreaUnderRocCurve)
            .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
            .SetMaxTrials(2).SetSeed(3).RunAsync();
        Assert.IsTrue(result.Trials.All(t => t.State == TrialState.Complete && t.IntermediateValues.Count == 4), result.ToLeaderboard());
        Assert.IsTrue(result.BestTrial!.Metric > 0.8, $"AUC {result.BestTrial.Metric}");
        Assert.IsTrue(result.IsRefit);
        Assert.AreNotSame(result.BestTrial.Model, result.Model);
        var metrics = context.BinaryClassification.Evaluate(result.Model!.Transform(validation));
        Assert.IsTrue(metrics.AreaUnderRocCurve > 0.8);
        Assert.AreEqual(300L, new ConcatenatedDataView(train, validation).GetRowCount());
        Assert.AreEqual(300, context.Data.CreateEnumerable<Row>(new ConcatenatedDataView(train, validation), false).Count());
    }

    [TestMethod]
    public async Task ATrainTestSplitIsTheSameDatasetAsItsTwoHalves()
    {
        async Task<string> Run(Func<AutoMLExperiment, IDataView, AutoMLExperiment> setDataset)
        {
            var context = new MLContext(1);
            var result = await setDataset(new AutoMLExperiment(context), Data(context, 240, 1))
                .SetPipeline((c, p) => Build(c, p, epochs: 2), Space)
                .SetBinaryClassificationMetric()
                .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
                .SetMaxTrials(2).SetSeed(3).RunAsync();
            return string.Join(";", result.Trials.Select(t => $"{t.State}:{t.Metric:R}"));
        }

        var halves = await Run((e, d) =>
        {
            var split = new MLContext(7).Data.TrainTestSplit(d, 0.25, seed: 7);
            return e.SetDataset(split.TrainSet, split.TestSet);
        });
        var asSplit = await Run((e, d) => e.SetDataset(new MLContext(7).Data.TrainTestSplit(d, 0.25, seed: 7)));
        Assert.AreEqual(halves, asSplit);
        StringAssert.Contains(halves, "Complete");
    }

    [TestMethod]
    public async Task AMetricColumnTheScoredDataLacksFailsTheTrialNamingTheColumnAndTheSetter()
    {
        var context = new MLContext(1);
        AutoMLExperiment Experiment() => new AutoMLExperiment(context)
            .SetPipeline((c, p) => Build(c, p, epochs: 1), Space)
            .SetDataset(Data(context, 120, 1), Data(context, 60, 2))
            .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
            .SetMaxTrials(1);

        var binary = await Experiment().SetBinaryClassificationMetric(labelColumn: "Churned").RunAsync();
        var error = binary.Trials.Single().Exception;
        Assert.AreEqual(TrialState.Failed, binary.Trials.Single().State);
        Assert.IsInstanceOfType<ArgumentException>(error);
        StringAssert.Contains(error!.Message, "'Churned' (labelColumn of SetBinaryClassificationMetric)");
        StringAssert.Contains(error.Message, "Columns: Features, Label, Score, Probability, PredictedLabel");

        var regression = await Experiment().SetRegressionMetric(RegressionMetric.MeanAbsoluteError, labelColumn: "Label", scoreColumn: "Prediction").RunAsync();
        StringAssert.Contains(regression.Trials.Single().Exception!.Message, "'Prediction' (scoreColumn of SetRegressionMetric)");
    }

    [TestMethod]
    public async Task ThePrunerStopsOurTrainerThroughItsProgress()
    {
        var context = new MLContext(1);
        var result = await new AutoMLExperiment(context)
            .SetPipeline((c, p) => Build(c, p, epochs: 12), Space)
            .SetDataset(Data(context, 200, 1), Data(context, 100, 2))
            .SetBinaryClassificationMetric()
            .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
            .SetPruner(new PruneAfterFirstTrialPruner(step: 2))
            .SetMaxTrials(2).RunAsync();
        Assert.AreEqual(TrialState.Complete, result.Trials[0].State);
        Assert.AreEqual(12, result.Trials[0].IntermediateValues.Count);
        Assert.AreEqual(TrialState.Pruned, result.Trials[1].State);
        CollectionAssert.AreEqual(new[] { 1, 2 }, result.Trials[1].IntermediateValues.Select(v => v.Step).ToArray(), "the fit stopped after epoch 2");
        Assert.IsTrue(result.Trials[1].IntermediateValues.All(v => v.Value < 0), "validation losses are reported negated for a maximized metric");
    }

    [TestMethod]
    public async Task CrossValidationRebuildsThePipelinePerFoldAndRefitsOnAllRows()
    {
        var context = new MLContext(1);
        int builds = 0;
        var result = await new AutoMLExperiment(context)
            .SetPipeline((c, p) =>
            {
                Interlocked.Increment(ref builds);
                return Build(c, p, epochs: 3);
            }, Space)
            .SetDataset(Data(context, 240, 1), fold: 3)
            .SetBinaryClassificationMetric(BinaryClassificationMetric.Accuracy)
            .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
            .SetMaxTrials(2).RunAsync();
        Assert.AreEqual(2 * 3 + 1, builds, "3 folds per trial, then the refit");
        Assert.IsTrue(result.Trials.All(t => t.State == TrialState.Complete && t.IntermediateValues.Count == 3), "only the first fold reports");
        Assert.IsTrue(result.IsRefit);
    }

    [TestMethod]
    public async Task ASweepablePipelineFromTheCatalogRunsWithTheRandomSearchHelper()
    {
        var context = new MLContext(1);
        var catalog = context.AutoML();
        var pipeline = catalog.CreateSweepablePipeline().Append(catalog.CreateSweepableEstimator((c, p) => Build(c, p, epochs: 3), Space, "nn"));
        var result = await catalog.CreateExperiment()
            .SetPipeline(pipeline)
            .SetDataset(Data(context, 200, 1), Data(context, 100, 2))
            .SetBinaryClassificationMetric()
            .SetRandomSearchTuner()
            .SetMaxTrials(2).SetSeed(5).RunAsync();
        Assert.IsTrue(result.Trials.All(t => t.State == TrialState.Complete && t.IntermediateValues.Count == 3), result.ToLeaderboard());
        Assert.IsTrue(result.IsRefit);
        Assert.AreEqual(2, result.Trials.Select(t => t.TrialSettings.Parameter.ToJson()).Distinct().Count());
    }

    [TestMethod]
    public async Task TheReadyNeuralSweepableReportsEveryEpochToTheTrial()
    {
        var context = new MLContext(1);
        var catalog = context.AutoML();
        var space = AutoMLCatalog.NeuralNetworkSearchSpace(expectedTotalSteps: 50);
        space["Epochs"] = new UniformIntOption(2, 3);
        var neural = catalog.NeuralNetworkBinary(seed: 1, expectedTotalSteps: 50);
        var sweepable = catalog.CreateSweepableEstimator((c, p) => neural.BuildFromOption(c, p), space, "nn");
        var result = await catalog.CreateExperiment()
            .SetPipeline(catalog.CreateSweepablePipeline().Append(sweepable))
            .SetDataset(Data(context, 200, 1), Data(context, 100, 2))
            .SetBinaryClassificationMetric()
            .SetRandomSearchTuner()
            .SetMaxTrials(2).SetSeed(7).RunAsync();
        foreach (var trial in result.Trials.Where(t => t.State == TrialState.Complete))
        {
            int epochs = trial.TrialSettings.Parameter["_SCHEMA_"]["e0"]["Epochs"].AsType<int>();
            Assert.AreEqual(epochs, trial.IntermediateValues.Count, result.ToLeaderboard());
        }
        Assert.IsTrue(result.Trials.Any(t => t.State == TrialState.Complete), result.ToLeaderboard());
    }

    [TestMethod]
    public async Task ReportsInsideAnEpochAreNotIntermediateValues()
    {
        var context = new MLContext(1);
        var result = await new AutoMLExperiment(context)
            .SetPipeline((c, p) => c.BinaryClassification.Trainers.NeuralNetwork(new NeuralNetworkBinaryTrainer.Options
            {
                HiddenLayerSizes = [p["Hidden"].AsType<int>()],
                Epochs = 3,
                BatchSize = 32,
                ProgressBatchInterval = 2,
                EarlyStoppingPatience = null,
                Seed = 1,
                NumberOfThreads = 1,
            }, TrialScope.TrainingProgress), Space)
            .SetDataset(Data(context, 200, 1), Data(context, 100, 2))
            .SetBinaryClassificationMetric()
            .SetTuner(seed => new FeatureSpaceTestTuner(Space, seed))
            .SetMaxTrials(1).RunAsync();
        Assert.AreEqual(TrialState.Complete, result.Trials[0].State, result.Trials[0].Exception?.ToString());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, result.Trials[0].IntermediateValues.Select(v => v.Step).ToArray());
    }
}
