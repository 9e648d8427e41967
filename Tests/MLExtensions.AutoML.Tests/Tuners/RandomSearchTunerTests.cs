namespace MLExtensions.AutoML.Tests.Tuners;

[TestClass]
public sealed class RandomSearchTunerTests
{
    [TestMethod]
    public void LogOptionsAreUniformInTheLogAndIntsCoverTheirRange()
    {
        var tuner = new RandomSearchTuner(TunerTestSpaces.Flat(), 9);
        var ys = new List<double>();
        var ns = new HashSet<long>();
        for (int i = 0; i < 4000; i++)
        {
            Parameter p = tuner.Propose(new TrialSettings { TrialId = i, Parameter = Parameter.CreateNestedParameter() });
            TunerTestSpaces.AssertLeavesWithinBounds(p);
            ys.Add(Math.Log10(p["Y"].AsType<double>()));
            ns.Add(p["N"].AsType<long>());
        }

        // log10(Y) uniform on [−3, 1]: mean −1, a quarter below −2.
        Assert.AreEqual(-1, ys.Average(), 0.06);
        Assert.AreEqual(0.25, ys.Count(v => v < -2) / (double)ys.Count, 0.03);
        Assert.IsTrue(ns.Count >= 95, $"{ns.Count} distinct N values");
    }
}
