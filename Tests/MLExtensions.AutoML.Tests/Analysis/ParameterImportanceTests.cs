using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// <see cref="AutoMLExperimentResult.GetParameterImportances"/> on experiments whose metric is a known function of the
/// parameter: the parameter that drives it ranks first, one without effect last, branch parameters appear for a filtered
/// branch, and bad requests are refused with what is wrong.
/// </summary>
[TestClass]
public sealed class ParameterImportanceTests
{
    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private sealed class MeanScore : IMetricManager
    {
        public string MetricName => "MeanScore";

        public bool IsMaximize => true;

        public double Evaluate(MLContext context, IDataView scored) => scored.GetColumn<float>("Score").Average();
    }

    /// <summary>x drives the metric, noise does not; branch a adds depth / 10, branch b a little of its rate; the activation
    /// choice of b moves it by 0.5.</summary>
    private static double Value(Parameter p)
    {
        var model = p["model"];
        double branch = model["Kind"].AsType<string>() == "a"
            ? model["depth"].AsType<int>() / 10.0
            : (0.05 * model["rate"].AsType<double>()) + (model["act"].AsType<string>() == "gelu" ? 0.5 : 0);
        return (3 * p["x"].AsType<double>()) + branch;
    }

    private static SearchSpace Space() => new(
        new KeyValuePair<string, OptionBase>("x", new UniformDoubleOption(0, 1)),
        new KeyValuePair<string, OptionBase>("noise", new UniformDoubleOption(1e-3, 1, logBase: true)),
        new KeyValuePair<string, OptionBase>("fixed", new ChoiceOption("only")),
        new KeyValuePair<string, OptionBase>("model", new OneOfOption(
            new KeyValuePair<string, SearchSpace>("a", new SearchSpace(new KeyValuePair<string, OptionBase>("depth", new UniformIntOption(1, 10)))),
            new KeyValuePair<string, SearchSpace>("b", new SearchSpace(
                new KeyValuePair<string, OptionBase>("rate", new UniformDoubleOption(0.1, 1)),
                new KeyValuePair<string, OptionBase>("act", new ChoiceOption("relu", "gelu")))))));

    private static Task<AutoMLExperimentResult> Run(int trials, SearchSpace? space = null)
    {
        var context = new MLContext(1);
        space ??= Space();
        return new AutoMLExperiment(context)
            .SetPipeline((c, p) =>
            {
                float value = (float)Value(p);
                return c.Transforms.CustomMapping<PipelineExperimentTests.Row, ScoreRow>((_, o) => o.Score = value, contractName: null);
            }, space)
            .SetDataset(PipelineExperimentTests.Data(context, 10, 1), PipelineExperimentTests.Data(context, 5, 2))
            .SetMetricManager(new MeanScore())
            .SetRandomSearchTuner()
            .SetRefit(false)
            .SetMaxTrials(trials)
            .SetSeed(3)
            .RunAsync();
    }

    [TestMethod]
    public async Task TheParameterThatDrivesTheMetricRanksFirstAndOneWithoutEffectLast()
    {
        var result = await Run(60);
        var importances = result.GetParameterImportances(new ParameterImportanceOptions { Seed = 1 });
        string Ranking() => string.Join(", ", importances.Select(i => $"{i.Path} {i.Importance:0.000}"));

        // Branch coordinates are left out: not every trial has branch a (or b); a choice of one is no coordinate at all.
        CollectionAssert.AreEquivalent(new[] { "x", "noise", "model.Kind" }, importances.Select(i => i.Path).ToArray(), Ranking());
        Assert.AreEqual("x", importances[0].Path, Ranking());
        Assert.IsTrue(importances[0].Importance > 0.6, Ranking());
        Assert.IsTrue(importances.Single(i => i.Path == "noise").Importance < 0.1, Ranking());
        Assert.AreEqual(1.0, importances.Sum(i => i.Importance), 1e-12);
        Assert.IsTrue(importances.All(i => i.VarianceFraction is >= 0 and <= 1 && i.StandardDeviation >= 0), Ranking());
        Assert.IsTrue(importances.Sum(i => i.VarianceFraction) <= 1 + 1e-9, "main effects explain at most all the variance");

        // The same seed gives the same importances; another gives close ones.
        CollectionAssert.AreEqual(importances.ToArray(), result.GetParameterImportances(new ParameterImportanceOptions { Seed = 1 }).ToArray());
        var other = result.GetParameterImportances(new ParameterImportanceOptions { Seed = 2 });
        Assert.AreEqual(importances[0].Importance, other.Single(i => i.Path == "x").Importance, 0.1);
    }

    [TestMethod]
    public async Task FilteringTheTrialsToABranchRanksTheBranchsOwnParameters()
    {
        var result = await Run(80);
        var b = result.GetParameterImportances(new ParameterImportanceOptions
        {
            TrialFilter = t => t.TrialSettings.Parameter["model"]["Kind"].AsType<string>() == "b",
        });
        string Ranking() => string.Join(", ", b.Select(i => $"{i.Path} {i.Importance:0.000}"));
        CollectionAssert.IsSubsetOf(new[] { "model[b].rate", "model[b].act" }, b.Select(i => i.Path).ToArray(), Ranking());
        Assert.IsFalse(b.Any(i => i.Path.StartsWith("model[a]", StringComparison.Ordinal)), Ranking());
        // Within branch b, x (0 to 3) and the activation (0.5) matter; the rate (0.005 to 0.05) barely does.
        Assert.IsTrue(b.Single(i => i.Path == "model[b].act").Importance > b.Single(i => i.Path == "model[b].rate").Importance, Ranking());
        Assert.IsTrue(b.Single(i => i.Path == "model[b].rate").Importance < 0.1, Ranking());
        Assert.AreEqual("x", b[0].Path, Ranking());
    }

    [TestMethod]
    public async Task AnotherTargetIsExplainedByWhatDrivesIt()
    {
        // A target that is the noise parameter itself: noise ranks first, x (which drives the metric) last.
        var result = await Run(40);
        var importances = result.GetParameterImportances(new ParameterImportanceOptions
        {
            Target = t => Math.Log(t.TrialSettings.Parameter["noise"].AsType<double>()),
        });
        string Ranking() => string.Join(", ", importances.Select(i => $"{i.Path} {i.Importance:0.000}"));
        Assert.AreEqual("noise", importances[0].Path, Ranking());
        Assert.IsTrue(importances[0].Importance > 0.9, Ranking());
    }

    [TestMethod]
    public async Task BadRequestsAreRefusedSayingWhatIsWrong()
    {
        var one = await Run(1);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => one.GetParameterImportances()).Message, "at least 2 complete trials");

        var result = await Run(8);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => result.GetParameterImportances(new ParameterImportanceOptions
        {
            TrialFilter = _ => false,
        })).Message, "there are 0");
        Assert.AreEqual("NumberOfTrees", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            result.GetParameterImportances(new ParameterImportanceOptions { NumberOfTrees = 0 })).ParamName);
        Assert.AreEqual("MaxDepth", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            result.GetParameterImportances(new ParameterImportanceOptions { MaxDepth = 0 })).ParamName);

        // A metric that does not vary has nothing to explain.
        var flat = new SearchSpace(new KeyValuePair<string, OptionBase>("noise", new UniformDoubleOption(0, 1)),
            new KeyValuePair<string, OptionBase>("x", new ChoiceOption(0.5)),
            new KeyValuePair<string, OptionBase>("model", new OneOfOption(
                new KeyValuePair<string, SearchSpace>("a", new SearchSpace(new KeyValuePair<string, OptionBase>("depth", new ChoiceOption(3)))))));
        var constant = await Run(6, flat);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => constant.GetParameterImportances()).Message, "metric to vary");
    }
}
