using System.Text.Json;

namespace MLExtensions.Tests.Schedules;

/// <summary>The refined schedule (ALGORITHMS.md D1) against an independent numpy/scipy reference and the paper's properties.</summary>
[TestClass]
public sealed class RefinedScheduleTests
{
    private static readonly JsonElement s_golden = ScheduleGolden.Load("refined_schedules.json");

    public static IEnumerable<object[]> Cases => ScheduleGolden.CaseNames(s_golden);

    [TestMethod, DynamicData(nameof(Cases))]
    public void FromGradientNorms_MatchesTheScipyReference(string name)
    {
        var c = s_golden.GetProperty("cases").GetProperty(name);
        var norms = c.GetProperty("norms").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expected = c.GetProperty("factors").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var schedule = RefinedSchedule.FromGradientNorms(norms, c.GetProperty("power").GetDouble());
        schedule.Validate();
        for (int i = 0; i < norms.Length; i++)
            Assert.AreEqual(expected[i], schedule.Factor(i, norms.Length), 1e-12 * Math.Abs(expected[i]) + 1e-15, $"{name}: step {i}");
    }

    [TestMethod]
    public void ConstantNorms_GiveExactlyLinearDecayToZero()
    {
        foreach (int t in new[] { 2, 9, 50, 333 })
        {
            var refined = RefinedSchedule.FromGradientNorms(Enumerable.Repeat(0.7, t).ToArray());
            var linear = new LinearDecaySchedule();
            for (int i = 0; i < t; i++) Assert.AreEqual(linear.Factor(i, t), refined.Factor(i, t), 1e-12, $"T={t}, step {i}");
        }
    }

    [TestMethod]
    public void ShortRun_EqualsABruteForceDoubleLoop()
    {
        // Fewer than 10 steps: the median filter has width 1, so the schedule is w_t · Σ_{s>t} w_s over the raw norms.
        double[] norms = [2.0, 0.5, 1.5, 3.0, 1.0, 0.8, 2.2, 1.1, 0.9];
        foreach (double power in new[] { 1.0, 2.0 })
        {
            var raw = new double[norms.Length];
            for (int t = 0; t < norms.Length; t++)
            {
                double tail = 0;
                for (int s = t + 1; s < norms.Length; s++) tail += Math.Pow(norms[s], -power);
                raw[t] = Math.Pow(norms[t], -power) * tail;
            }

            double max = raw.Max();
            var refined = RefinedSchedule.FromGradientNorms(norms, power);
            for (int t = 0; t < norms.Length; t++) Assert.AreEqual(raw[t] / max, refined.Factor(t, norms.Length), 1e-14, $"power {power}, step {t}");
        }
    }

    /// <summary>
    /// Norms that fall early (as they do at the start of most training runs) give a warm-up: the weights G⁻² grow while the norms
    /// fall. Rising norms cannot: w_t and Σ_{s&gt;t} w_s then both fall, so the factor falls from step 0 (ALGORITHMS.md's "growing
    /// G gives a warm-up" does not hold for this formula; tested both ways).
    /// </summary>
    [TestMethod]
    public void FallingNormsGiveAWarmup_RisingNormsAMonotoneDecay_TheLastStepIsZero()
    {
        var falling = RefinedSchedule.FromGradientNorms(Enumerable.Range(0, 100).Select(i => i < 30 ? 4.0 - i / 10.0 : 1.0).ToArray());
        Assert.AreEqual(0.0, falling.Factor(99, 100));
        Assert.IsTrue(falling.Factor(0, 100) < 0.2, $"start {falling.Factor(0, 100)}");
        int peak = Enumerable.Range(0, 100).MaxBy(i => falling.Factor(i, 100));
        Assert.IsTrue(peak >= 20, $"peak at {peak}: the factor must rise while the norms fall");
        for (int i = 1; i <= peak; i++) Assert.IsTrue(falling.Factor(i, 100) >= falling.Factor(i - 1, 100), $"warm-up not monotone at {i}");
        for (int i = peak + 1; i < 100; i++) Assert.IsTrue(falling.Factor(i, 100) <= falling.Factor(i - 1, 100), $"decay not monotone at {i}");

        var rising = RefinedSchedule.FromGradientNorms(Enumerable.Range(0, 100).Select(i => 0.05 + i / 20.0).ToArray());
        Assert.AreEqual(1.0, rising.Factor(0, 100));
        for (int i = 1; i < 100; i++) Assert.IsTrue(rising.Factor(i, 100) < rising.Factor(i - 1, 100), $"not decreasing at {i}");
        Assert.AreEqual(0.0, rising.Factor(99, 100));
    }

    [TestMethod]
    public void OtherRunLength_InterpolatesOverProgress_AndSurvivesJson()
    {
        var refined = RefinedSchedule.FromGradientNorms([1.0, 2.0, 1.5, 0.5, 1.0]);
        Assert.AreEqual(refined.Factors[0], refined.Factor(0, 9), 1e-15);
        Assert.AreEqual(0.5 * (refined.Factors[1] + refined.Factors[2]), refined.Factor(3, 9), 1e-15);
        Assert.AreEqual(0.0, refined.Factor(8, 9));
        var back = (RefinedSchedule)JsonSerializer.Deserialize<LearningRateScheduleSpec>(JsonSerializer.Serialize<LearningRateScheduleSpec>(refined))!;
        CollectionAssert.AreEqual(refined.Factors, back.Factors);
    }

    [TestMethod]
    public void BadNorms_ThrowNamingTheStep()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => RefinedSchedule.FromGradientNorms([1.0, double.PositiveInfinity, 1.0])).Message, "step 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => RefinedSchedule.FromGradientNorms([1.0, 0.0])).Message, "step 1");
        Assert.ThrowsExactly<ArgumentException>(() => RefinedSchedule.FromGradientNorms([1.0]));
        Assert.AreEqual("power", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RefinedSchedule.FromGradientNorms([1.0, 2.0], 0)).ParamName);
        Assert.AreEqual("Factors", Assert.ThrowsExactly<ArgumentOutOfRangeException>(new RefinedSchedule([1.0, 1.5]).Validate).ParamName);
    }
}
