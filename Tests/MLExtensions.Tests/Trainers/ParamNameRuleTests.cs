using Microsoft.ML;

namespace MLExtensions.Tests.Trainers;

/// <summary>
/// The ParamName rule (README, Contributing): an exception about an option names the option's member (<c>nameof(Options.X)</c>, as ML.NET's
/// <c>CheckUserArg</c> does), one about a method parameter names the parameter. Table-driven over a bad value of every checked member of
/// every trainer's options.
/// </summary>
[TestClass]
public sealed class ParamNameRuleTests
{
    private static readonly (string Member, Action<TrainerOptionsBase> Break)[] SharedCases =
    [
        (nameof(TrainerOptionsBase.FeatureColumnName), o => o.FeatureColumnName = " "),
        (nameof(TrainerOptionsBase.LabelColumnName), o => o.LabelColumnName = ""),
        (nameof(TrainerOptionsBase.ExampleWeightColumnName), o => o.ExampleWeightColumnName = ""),
        (nameof(TrainerOptionsBase.ValidationFraction), o => o.ValidationFraction = 0.7),
    ];

    private static readonly (string Member, Action<NeuralNetworkOptionsBase> Break)[] NeuralCases =
    [
        (nameof(NeuralNetworkOptionsBase.HiddenLayerSizes), o => o.HiddenLayerSizes = [4, 0]),
        (nameof(NeuralNetworkOptionsBase.Activation), o => o.Activation = (ActivationKind)99),
        (nameof(NeuralNetworkOptionsBase.Normalization), o => o.Normalization = (NormalizationKind)99),
        (nameof(NeuralNetworkOptionsBase.Dropout), o => o.Dropout = 1),
        (nameof(NeuralNetworkOptionsBase.Epochs), o => o.Epochs = 0),
        (nameof(NeuralNetworkOptionsBase.BatchSize), o => o.BatchSize = 0),
        (nameof(NeuralNetworkOptionsBase.Optimizer), o => o.Optimizer = null!),
        (nameof(NeuralNetworkOptionsBase.LearningRateSchedule), o => o.LearningRateSchedule = null!),
        (nameof(NeuralNetworkOptionsBase.WeightDecay), o => o.WeightDecay = -1),
        (nameof(NeuralNetworkOptionsBase.GradientClipNorm), o => o.GradientClipNorm = 0),
        (nameof(NeuralNetworkOptionsBase.EarlyStoppingPatience), o => o.EarlyStoppingPatience = 0),
        (nameof(NeuralNetworkOptionsBase.ProgressBatchInterval), o => o.ProgressBatchInterval = 0),
        (nameof(NeuralNetworkOptionsBase.Device), o => o.Device = (DeviceKind)99),
        (nameof(NeuralNetworkOptionsBase.NumberOfThreads), o => o.NumberOfThreads = 0),
    ];

    private static readonly (string Member, Action<GradientBoostedNeuralNetworkOptionsBase> Break)[] GbnnCases =
    [
        (nameof(GradientBoostedNeuralNetworkOptionsBase.UnitsPerStep), o => o.UnitsPerStep = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.TotalHiddenUnits), o => o.TotalHiddenUnits = 1),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.LearningRate), o => o.LearningRate = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.Subsample), o => o.Subsample = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.MaxIterations), o => o.MaxIterations = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.L2Regularization), o => o.L2Regularization = -1),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.MaxNewtonStep), o => o.MaxNewtonStep = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.EarlyStoppingPatience), o => o.EarlyStoppingPatience = 0),
        (nameof(GradientBoostedNeuralNetworkOptionsBase.Activation), o => o.Activation = ActivationKind.GELU),
    ];

    /// <summary>Every trainer with a factory taking its own options type.</summary>
    private static IEnumerable<(string Trainer, Func<TrainerOptionsBase> NewOptions, Action<TrainerOptionsBase> Construct)> Trainers()
    {
        var ml = new MLContext(1);
        yield return ("NeuralNetworkBinaryTrainer", () => new NeuralNetworkBinaryTrainer.Options(),
            o => ml.BinaryClassification.Trainers.NeuralNetwork((NeuralNetworkBinaryTrainer.Options)o));
        yield return ("NeuralNetworkMulticlassTrainer", () => new NeuralNetworkMulticlassTrainer.Options(),
            o => ml.MulticlassClassification.Trainers.NeuralNetwork((NeuralNetworkMulticlassTrainer.Options)o));
        yield return ("NeuralNetworkRegressionTrainer", () => new NeuralNetworkRegressionTrainer.Options(),
            o => ml.Regression.Trainers.NeuralNetwork((NeuralNetworkRegressionTrainer.Options)o));
        yield return ("GradientBoostedNeuralNetworkBinaryTrainer", () => new GradientBoostedNeuralNetworkBinaryTrainer.Options(),
            o => ml.BinaryClassification.Trainers.GradientBoostedNeuralNetwork((GradientBoostedNeuralNetworkBinaryTrainer.Options)o));
        yield return ("GradientBoostedNeuralNetworkMulticlassTrainer", () => new GradientBoostedNeuralNetworkMulticlassTrainer.Options(),
            o => ml.MulticlassClassification.Trainers.GradientBoostedNeuralNetwork((GradientBoostedNeuralNetworkMulticlassTrainer.Options)o));
        yield return ("GradientBoostedNeuralNetworkRegressionTrainer", () => new GradientBoostedNeuralNetworkRegressionTrainer.Options(),
            o => ml.Regression.Trainers.GradientBoostedNeuralNetwork((GradientBoostedNeuralNetworkRegressionTrainer.Options)o));
    }

    [TestMethod]
    public void TrainerConstructors_BadOption_ParamNameIsTheOptionsMember()
    {
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (var (trainer, newOptions, construct) in Trainers())
        {
            var cases = SharedCases.Select(c => (c.Member, Break: c.Break)).ToList();
            if (newOptions() is NeuralNetworkOptionsBase)
                cases.AddRange(NeuralCases.Select(c => (c.Member, Break: (Action<TrainerOptionsBase>)(o => c.Break((NeuralNetworkOptionsBase)o)))));
            else
                cases.AddRange(GbnnCases.Select(c => (c.Member, Break: (Action<TrainerOptionsBase>)(o => c.Break((GradientBoostedNeuralNetworkOptionsBase)o)))));
            foreach (var (member, bad) in cases)
            {
                var options = newOptions();
                bad(options);
                checkedCases++;
                try
                {
                    construct(options);
                    failures.Add($"{trainer}.Options.{member}: no exception");
                }
                catch (ArgumentException e) when (e.ParamName != member)
                {
                    failures.Add($"{trainer}.Options.{member}: ParamName '{e.ParamName}' ({e.GetType().Name})");
                }
                catch (ArgumentException)
                {
                    // The rule holds.
                }
            }
        }

        Assert.AreEqual(6 * SharedCases.Length + 3 * (NeuralCases.Length + GbnnCases.Length), checkedCases);
        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures));
    }

    [TestMethod]
    public void Fit_DataProblems_ParamNameIsTheOptionNamingTheColumnOrTheParameterHoldingTheRows()
    {
        var ml = new MLContext(1);
        var regression = ml.Data.LoadFromEnumerable(SyntheticData.Regression(20, 1));
        var trainer = ml.BinaryClassification.Trainers.NeuralNetwork(epochs: 1);
        Assert.AreEqual(nameof(TrainerOptionsBase.LabelColumnName), Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(regression)).ParamName);
        var noFeatures = ml.Transforms.DropColumns("Features").Fit(regression).Transform(regression);
        Assert.AreEqual(nameof(TrainerOptionsBase.FeatureColumnName), Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(noFeatures)).ParamName);
        var empty = ml.Data.LoadFromEnumerable(new List<SyntheticData.BinaryRow>());
        Assert.AreEqual("input", Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(empty)).ParamName);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(40, 1));
        Assert.AreEqual("validationData", Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(train, empty)).ParamName);
    }

    [TestMethod]
    public void ConsoleTrainingProgress_BadOption_ParamNameIsTheOptionsMember()
    {
        Assert.AreEqual(nameof(ConsoleTrainingProgress.Options.ProgressBarWidth), Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { ProgressBarWidth = 1 })).ParamName);
        Assert.AreEqual(nameof(ConsoleTrainingProgress.Options.EpochInterval), Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new ConsoleTrainingProgress(new ConsoleTrainingProgress.Options { EpochInterval = 0 })).ParamName);
    }
}
