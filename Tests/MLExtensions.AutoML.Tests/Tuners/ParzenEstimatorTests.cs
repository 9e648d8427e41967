namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>The hand-computed TPE cases of ALGORITHMS.md E7: γ, weights, magic clip, prior kernel, argmax.</summary>
[TestClass]
public sealed class ParzenEstimatorTests
{
    [TestMethod]
    public void GammaIsTenPercentRoundedUpCappedAt25()
    {
        Assert.AreEqual(0, TpeOptions.DefaultGamma(0));
        Assert.AreEqual(1, TpeOptions.DefaultGamma(1));
        Assert.AreEqual(1, TpeOptions.DefaultGamma(10));
        Assert.AreEqual(2, TpeOptions.DefaultGamma(11));
        Assert.AreEqual(25, TpeOptions.DefaultGamma(250));
        Assert.AreEqual(25, TpeOptions.DefaultGamma(1000));
    }

    [TestMethod]
    public void WeightsRampOverTheOldestTrialsFrom25On()
    {
        CollectionAssert.AreEqual(Enumerable.Repeat(1.0, 24).ToArray(), TpeOptions.DefaultWeights(24));
        double[] w = TpeOptions.DefaultWeights(30);
        // linspace(1/30, 1, 5) then 25 ones.
        double[] ramp = [1.0 / 30, 1.0 / 30 + (29.0 / 30) / 4, 1.0 / 30 + (29.0 / 30) / 2, 1.0 / 30 + 3 * (29.0 / 30) / 4, 1.0];
        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual(ramp[i], w[i], 1e-15);
        }

        Assert.IsTrue(w.Skip(5).All(v => v == 1.0));
        Assert.AreEqual(30, w.Length);
    }

    [TestMethod]
    public void WidthsAreTheLargerNeighbourGapWithInnerEndsAndPrior()
    {
        // Observations 0.2, 0.5 plus the prior at 0.5: sorted with ends [0, .2, .5, .5(prior), 1].
        // Gaps: .2 → max(.2,.3)=.3 but the first uses its inner gap .3; .5 → max(.3,0)=.3; prior → replaced by the range.
        // Magic clip: min width 1/min(100, 1+3) = .25.
        var pe = ParzenEstimator.Numeric([0.2, 0.5], 0, 1, new TpeOptions());
        CollectionAssert.AreEqual(new[] { 0.2, 0.5, 0.5 }, pe.Mus);
        AssertClose([0.3, 0.3, 1.0], pe.Sigmas!);
        AssertClose([1.0 / 3, 1.0 / 3, 1.0 / 3], pe.Weights);
    }

    [TestMethod]
    public void MagicClipRaisesNarrowKernelsToRangeOverKernelsPlusOne()
    {
        // [0, .1, .11, .12, .5(prior), 1]: raw widths .01, .01, .38, (prior); clip min 1/min(100, 5) = .2.
        var pe = ParzenEstimator.Numeric([0.1, 0.11, 0.12], 0, 1, new TpeOptions());
        AssertClose([0.2, 0.2, 0.38, 1.0], pe.Sigmas!);
        var unclipped = ParzenEstimator.Numeric([0.1, 0.11, 0.12], 0, 1, new TpeOptions { ConsiderMagicClip = false });
        AssertClose([0.01, 0.01, 0.38, 1.0], unclipped.Sigmas!);
    }

    [TestMethod]
    public void WithoutObservationsOnlyThePriorKernelRemains()
    {
        var pe = ParzenEstimator.Numeric([], 0, 1, new TpeOptions { ConsiderPrior = false });
        CollectionAssert.AreEqual(new[] { 0.5 }, pe.Mus);
        CollectionAssert.AreEqual(new[] { 1.0 }, pe.Sigmas);
        // N(0.5, 1) truncated to [0, 1] at 0.5: log φ(0) − log(Φ(.5) − Φ(−.5)) (scipy: 0.04097780049094957).
        Assert.AreEqual(0.04097780049094957, pe.LogPdf(0.5), 1e-13);
    }

    [TestMethod]
    public void PriorWeightEntersTheNormalization()
    {
        var pe = ParzenEstimator.Numeric([0.3, 0.6, 0.9], 0, 1, new TpeOptions { PriorWeight = 3 });
        AssertClose([1.0 / 6, 1.0 / 6, 1.0 / 6, 0.5], pe.Weights);
    }

    [TestMethod]
    public void CategoricalKernelsAddOneToTheObservedChoice()
    {
        // Two observations (0, 2) of 3 choices: each row prior_weight/(n+1) = 1/3 everywhere, +1 at the observation.
        var pe = ParzenEstimator.Categorical([0, 2], 3, new TpeOptions());
        AssertClose([(1 + 1.0 / 3) / 2, (1.0 / 3) / 2, (1.0 / 3) / 2], pe.CategoricalWeights![0]);
        AssertClose([1.0 / 3, 1.0 / 3, 1.0 / 3], pe.CategoricalWeights[2]);
        // p(1) = (1/3)(1/6) + (1/3)(1/6) + (1/3)(1/3) = 2/9.
        Assert.AreEqual(Math.Log(2.0 / 9), pe.LogPdf(1), 1e-14);
    }

    [TestMethod]
    public void ArgmaxPicksTheLargestLikelihoodRatioAmongSeededCandidates()
    {
        var options = new TpeOptions();
        var l = ParzenEstimator.Numeric([0.1, 0.15], 0, 1, options);
        var g = ParzenEstimator.Numeric([0.6, 0.7, 0.8, 0.9], 0, 1, options);
        double[] candidates = l.Sample(new Random(3), 24);
        double chosen = TpeTuner.ChooseCandidate(l, g, candidates);
        double best = candidates.Max(x => l.LogPdf(x) - g.LogPdf(x));
        Assert.AreEqual(best, l.LogPdf(chosen) - g.LogPdf(chosen), 0);
        Assert.IsTrue(chosen < 0.4, $"chosen {chosen} is in the good region");
        // Same seed, same candidates.
        CollectionAssert.AreEqual(candidates, l.Sample(new Random(3), 24));
    }

    [TestMethod]
    public void SamplesStayInsideTheRangeAndFollowTheMixture()
    {
        var pe = ParzenEstimator.Numeric([0.05, 0.95], 0, 1, new TpeOptions());
        double[] s = pe.Sample(new Random(1), 20000);
        Assert.IsTrue(s.All(v => v >= 0 && v <= 1));
        // The mixture is symmetric around 0.5.
        Assert.AreEqual(0.5, s.Average(), 0.01);
    }

    [TestMethod]
    public void BadWeightsAreRejectedNamingTheOption()
    {
        var options = new TpeOptions { Weights = n => Enumerable.Repeat(-1.0, n).ToArray() };
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => ParzenEstimator.Numeric([0.5], 0, 1, options)).Message, "TpeOptions.Weights");
        Assert.AreEqual("NumberOfEiCandidates", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TpeTuner(TunerTestSpaces.Flat(), new TpeOptions { NumberOfEiCandidates = 0 })).ParamName);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-12, $"[{i}]");
        }
    }
}
