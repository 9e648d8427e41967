namespace MLExtensions.AutoML.Tests.Tuners;

[TestClass]
public sealed class GridSearchTunerTests
{
    [TestMethod]
    public void EnumeratesTheProductOfStepsAndChoicesThenRestarts()
    {
        var ss = new SearchSpace { ["A"] = new UniformDoubleOption(0, 10), ["B"] = new ChoiceOption("x", "y") };
        var grid = new GridSearchTuner(ss, step: 4);
        var seen = new List<string>();
        for (int i = 0; i < 8; i++)
        {
            Parameter p = grid.Propose(new TrialSettings { TrialId = i, Parameter = Parameter.CreateNestedParameter() });
            seen.Add(FormattableString.Invariant($"{p["A"].AsType<double>()}:{p["B"].AsType<string>()}"));
        }

        // A takes 0, 2.5, 5, 7.5 (never the max, as in ML.NET); the last dimension varies fastest.
        CollectionAssert.AreEqual(new[] { "0:x", "0:y", "2.5:x", "2.5:y", "5:x", "5:y", "7.5:x", "7.5:y" }, seen);
        Parameter again = grid.Propose(new TrialSettings { TrialId = 8, Parameter = Parameter.CreateNestedParameter() });
        Assert.AreEqual("0:x", FormattableString.Invariant($"{again["A"].AsType<double>()}:{again["B"].AsType<string>()}"));
    }

    [TestMethod]
    public void OnlyActiveDimensionsAreEnumerated()
    {
        var ss = TunerTestSpaces.Conditional();
        var grid = new GridSearchTuner(ss, step: 2);
        var points = grid.Enumerate().Select(p => (double[])p.Clone()).ToList();
        // Epochs: 2 values. linear: L2 2 → 2·2 = 4. nn: LearningRate 2 × Width 2 × (sgd: 2 + adam: 2) → 16·2 = 32.
        Assert.AreEqual(4 + 32, points.Count);
        Assert.AreEqual(points.Count, points.Select(p => ss.SampleFromFeatureSpace(p).ToJson()).Distinct().Count(), "no duplicates from inactive dims");
    }

    [TestMethod]
    public void StepMustBePositive()
    {
        Assert.AreEqual("step", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GridSearchTuner(TunerTestSpaces.Flat(), 0)).ParamName);
    }
}
