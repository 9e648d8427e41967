using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Schedules;

/// <summary>Hypergradient schedule (D4) on the quadratic f(x) = ½ Σ λ_i x_i² with λ = (1, 4), optimized by plain SGD.</summary>
[TestClass]
public sealed class HypergradientScheduleTests
{
    private static readonly double[] Curvature = [1.0, 4.0];

    /// <summary>Runs <paramref name="steps"/> SGD steps with the schedule's controller; returns the rate of every step and the final x.</summary>
    private static (double[] Rates, double[] X) Run(LearningRateScheduleSpec schedule, double lr, int steps, bool adam = false)
    {
        using var scope = NewDisposeScope();
        var x = new Parameter(tensor(new[] { 1.0, 1.0 }, dtype: float64));
        var lambda = tensor(Curvature, dtype: float64);
        using var optimizer = adam ? new AdamWSpec(LearningRate: lr, WeightDecay: 0).Create([x]) : new SgdSpec(LearningRate: lr, Momentum: 0).Create([x]);
        using var controller = schedule.CreateController(optimizer);
        var group = optimizer.ParamGroups.Single();
        var rates = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = (lambda * x * x).sum() * 0.5;
            loss.backward();
            var context = new TrainingStepContext(t, steps, t, 1, t, steps, 1);
            controller.BeforeStep(context);
            rates[t] = group.LearningRate;
            optimizer.step();
            controller.AfterStep(context);
        }
        return (rates, x.data<double>().ToArray());
    }

    [TestMethod]
    public void Rate_SmallStepsThatAlign_Rises()
    {
        // lr·λ ≤ 0.04: every step points the same way as the one before, so the rate grows every step after the first.
        var (rates, _) = Run(new HypergradientSchedule(Beta: 0.05), lr: 0.01, steps: 20);
        Assert.AreEqual(0.01, rates[0], "the first step has no previous update");
        for (int t = 1; t < rates.Length; t++)
            Assert.IsTrue(rates[t] > rates[t - 1], $"step {t}: {rates[t]} after {rates[t - 1]}");
        Assert.IsTrue(rates[^1] > 0.01 * Math.Pow(1.04, 19), $"aligned steps (cos ≈ 1) should grow h by ≈ 1.05 per step, got {rates[^1] / 0.01}");
    }

    [TestMethod]
    public void Rate_StepsThatOscillate_Falls()
    {
        // lr·λ = 0.45 and 1.8: the stiff coordinate flips sign every step and dominates the gradient, so the alignment is
        // negative. (Once h·lr·4 nears 1 the stiff coordinate dies out, the smooth one dominates and the rate rises again.)
        var (rates, _) = Run(new HypergradientSchedule(Beta: 0.05), lr: 0.45, steps: 6);
        for (int t = 1; t < rates.Length; t++)
            Assert.IsTrue(rates[t] < rates[t - 1], $"step {t}: {rates[t]} after {rates[t - 1]}");
    }

    [TestMethod]
    public void Rate_ClippedAtBothBounds_Exactly()
    {
        var (rising, _) = Run(new HypergradientSchedule(Beta: 0.5, MaxFactor: 2, MaxGrowth: 1.5), lr: 0.001, steps: 15);
        Assert.AreEqual(0.002, rising[^1], 1e-18, "held at MaxFactor");
        Assert.IsTrue(rising.All(r => r <= 0.002 + 1e-18));

        // lr·λ = 0.75 and 3: divergent oscillation; even at h = 0.5 (lr·λ = 1.5) the stiff coordinate still flips sign.
        var (falling, x) = Run(new HypergradientSchedule(Beta: 0.5, MinFactor: 0.5), lr: 0.75, steps: 15);
        Assert.AreEqual(0.375, falling[^1], 1e-15, "held at MinFactor");
        Assert.IsTrue(falling.All(r => r >= 0.375 - 1e-15));
        Assert.IsTrue(x.All(double.IsFinite));
    }

    [TestMethod]
    public void MaxGrowth_CapsTheIncrease()
    {
        var (rates, _) = Run(new HypergradientSchedule(Beta: 0.5, MaxGrowth: 1.2), lr: 0.001, steps: 6);
        for (int t = 1; t < rates.Length; t++)
            Assert.AreEqual(1.2, rates[t] / rates[t - 1], 1e-12);
    }

    [TestMethod]
    public void BetaZero_EqualsTheBaseScheduleExactly()
    {
        var cosine = new CosineSchedule(FinalFactor: 0.1);
        var (baseRates, baseX) = Run(cosine, lr: 0.3, steps: 25);
        var (rates, x) = Run(new HypergradientSchedule(cosine, Beta: 0), lr: 0.3, steps: 25);
        CollectionAssert.AreEqual(baseRates, rates);
        CollectionAssert.AreEqual(baseX, x);
        var (updates, _) = Run(new HypergradientSchedule(cosine, Beta: 0, Signal: HypergradientSignal.ConsecutiveUpdates), lr: 0.3, steps: 25);
        CollectionAssert.AreEqual(baseRates, updates);
    }

    [TestMethod]
    public void ConsecutiveUpdates_RiseWhenAlignedFallWhenOscillating()
    {
        var (rising, _) = Run(new HypergradientSchedule(Beta: 0.05, Signal: HypergradientSignal.ConsecutiveUpdates), lr: 0.01, steps: 12);
        Assert.AreEqual(0.01, rising[1], 1e-15, "needs two updates");
        Assert.IsTrue(rising[^1] > rising[2] && rising[2] > rising[1]);
        var (falling, _) = Run(new HypergradientSchedule(Beta: 0.05, Signal: HypergradientSignal.ConsecutiveUpdates), lr: 0.45, steps: 12);
        Assert.IsTrue(falling[4] < falling[3] && falling[3] < falling[2] && falling[2] < falling[1]);
    }

    [TestMethod]
    public void Adam_AlignedSteps_RiseToo()
    {
        // The alignment uses the update Δ, not the gradient, so it is right for optimizers whose step is not −lr·g.
        var (rates, _) = Run(new HypergradientSchedule(Beta: 0.05), lr: 1e-3, steps: 10, adam: true);
        Assert.IsTrue(rates[^1] > rates[2] && rates[2] > rates[1] && rates[1] > rates[0]);
    }

    [TestMethod]
    public void Validate_BadValues_ThrowNamingTheMember()
    {
        Assert.AreEqual("Beta", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(Beta: 1).Validate()).ParamName);
        Assert.AreEqual("Beta", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(Beta: -0.1).Validate()).ParamName);
        Assert.AreEqual("MinFactor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(MinFactor: 1.5).Validate()).ParamName);
        Assert.AreEqual("MaxFactor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(MaxFactor: 0.5).Validate()).ParamName);
        Assert.AreEqual("MaxGrowth", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(MaxGrowth: 1).Validate()).ParamName);
        Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(new HypergradientSchedule()).Validate()).ParamName);
        Assert.AreEqual("FinalFactor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HypergradientSchedule(new CosineSchedule(FinalFactor: 2)).Validate()).ParamName);
    }

    [TestMethod]
    public void Json_RoundTrips()
    {
        LearningRateScheduleSpec spec = new HypergradientSchedule(new WarmupSchedule(new CosineSchedule()), Beta: 0.03, Signal: HypergradientSignal.ConsecutiveUpdates);
        var json = System.Text.Json.JsonSerializer.Serialize(spec);
        StringAssert.Contains(json, "\"kind\":\"hypergradient\"");
        Assert.AreEqual(spec, System.Text.Json.JsonSerializer.Deserialize<LearningRateScheduleSpec>(json));
    }
}
