using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Schedules;

/// <summary>LANTON (D5), the faithful tests of ALGORITHMS-2.md §1.6 on tiny matrices.</summary>
[TestClass]
public sealed class LantonScheduleTests
{
    [TestMethod]
    [DataRow(true, 4, 3)]
    [DataRow(true, 3, 5)]
    [DataRow(false, 4, 3)]
    public void Oracles_DualNormLmoAndHolder(bool spectral, int rows, int cols)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var g = randn([rows, cols], dtype: float64, generator: generator);
        var lmo = LantonNorms.Lmo(g, spectral);
        double dual = LantonNorms.Dual(g, spectral);
        Assert.AreEqual(-dual, (g * lmo).sum().item<double>(), 1e-10, "<G, LMO(G)> = -||G||_dual");
        Assert.AreEqual(1.0, LantonNorms.Primal(lmo, spectral), 1e-10, "||LMO(G)|| = 1");
        for (int k = 0; k < 20; k++)
        {
            var a = randn([rows, cols], dtype: float64, generator: generator);
            Assert.IsTrue((g * a).sum().item<double>() <= dual * LantonNorms.Primal(a, spectral) + 1e-10, "Hölder");
        }
    }

    /// <summary>Muon over two matrices and a bias, stepped with the given schedule; returns the parameters and the controller.</summary>
    private sealed class Run : IDisposable
    {
        public readonly Parameter W0, W1, Bias;
        public readonly torch.optim.Optimizer Optimizer;
        public readonly IScheduleController Controller;
        private readonly DisposeScope _scope = NewDisposeScope();

        public Run(LearningRateScheduleSpec schedule, long[]? shape1 = null)
        {
            var generator = new Generator(1);
            W0 = new Parameter(randn([4, 3], dtype: float64, generator: generator));
            W1 = new Parameter(randn(shape1 ?? [4, 3], dtype: float64, generator: generator));
            Bias = new Parameter(zeros(3, dtype: float64));
            Optimizer = new MuonSpec().Create([W0, W1, Bias]);
            Controller = schedule.CreateController(Optimizer);
        }

        public void Step(long t, Tensor g0, Tensor g1, Tensor gb, long total = 100)
        {
            W0.grad = g0.clone();
            W1.grad = g1.clone();
            Bias.grad = gb.clone();
            var context = new TrainingStepContext(t, total, t, 1, t, total, 1);
            Controller.BeforeStep(context);
            Optimizer.step();
            Controller.AfterStep(context);
        }

        public LantonController Lanton => (LantonController)Controller;

        public void Dispose()
        {
            Controller.Dispose();
            Optimizer.Dispose();
            _scope.Dispose();
        }
    }

    private static (Tensor G0, Tensor G1, Tensor Gb)[] Gradients(int steps, double noise0, double noise1, long[]? shape1 = null, int seed = 5)
    {
        var generator = new Generator((ulong)seed);
        var mean = randn([4, 3], dtype: float64, generator: generator);
        return Enumerable.Range(0, steps).Select(_ => (
            mean + randn([4, 3], dtype: float64, generator: generator) * noise0,
            randn(shape1 ?? [4, 3], dtype: float64, generator: generator) * noise1 + (shape1 is null ? mean : 0.0),
            randn([3], dtype: float64, generator: generator))).ToArray();
    }

    [TestMethod]
    public void EqualNoise_StepEqualsPlainMuon()
    {
        using var scope = NewDisposeScope();
        // Identical gradients for both layers: equal H, so form A gives ratio 1 and the run equals Muon under the base schedule.
        var grads = Gradients(8, 0.5, 0.5).Select(x => (x.G0, x.G0.clone(), x.Gb)).ToArray();
        using var lanton = new Run(new LantonSchedule(new CosineSchedule()));
        using var plain = new Run(new CosineSchedule());
        lanton.W1.detach().copy_(lanton.W0.detach());
        plain.W1.detach().copy_(plain.W0.detach());
        for (int t = 0; t < grads.Length; t++)
        {
            lanton.Step(t, grads[t].G0, grads[t].Item2, grads[t].Gb, total: 8);
            plain.Step(t, grads[t].G0, grads[t].Item2, grads[t].Gb, total: 8);
        }
        Assert.IsTrue(lanton.Lanton.Ratios.All(r => r == 1.0));
        Assert.IsTrue(lanton.W0.allclose(plain.W0, rtol: 0, atol: 0) && lanton.W1.allclose(plain.W1, rtol: 0, atol: 0) && lanton.Bias.allclose(plain.Bias, rtol: 0, atol: 0));
    }

    [TestMethod]
    public void ConstantGradient_ZeroNoiseNoNaN()
    {
        using var scope = NewDisposeScope();
        using var run = new Run(new LantonSchedule());
        var g = ones(4, 3, dtype: float64);
        for (int t = 0; t < 5; t++)
            run.Step(t, g, g * 2, ones(3, dtype: float64));
        var noise = run.Lanton.Noise;
        Assert.AreEqual(0.0, noise[0]);
        Assert.AreEqual(0.0, noise[1]);
        Assert.IsTrue(run.Lanton.Ratios.All(r => r == 1.0));
        Assert.IsTrue(run.W0.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void ScaledNoise_HTimesCSquaredRateOverC()
    {
        using var scope = NewDisposeScope();
        const double c = 3.0;
        var grads = Gradients(30, 1.0, 1.0);
        using var baseline = new Run(new LantonSchedule());
        using var scaled = new Run(new LantonSchedule());
        for (int t = 0; t < grads.Length; t++)
        {
            var (g0, g1, gb) = grads[t];
            baseline.Step(t, g0, g0.clone(), gb);
            // Layer 1's gradient noise (difference of consecutive gradients) is c times layer 0's.
            scaled.Step(t, g0, g0 * c, gb);
        }
        Assert.AreEqual(baseline.Lanton.Noise[0], scaled.Lanton.Noise[0], 1e-12 * baseline.Lanton.Noise[0]);
        Assert.AreEqual(c * c * scaled.Lanton.Noise[0], scaled.Lanton.Noise[1], 1e-9 * scaled.Lanton.Noise[1]);
        Assert.AreEqual(1.0, scaled.Lanton.Ratios[0]);
        Assert.AreEqual(1 / c, scaled.Lanton.Ratios[1], 1e-5, "form A: the noisier layer's rate is 1/c of the group's");
        var groups = scaled.Optimizer.ParamGroups.ToList();
        Assert.AreEqual(groups[0].InitialLearningRate / c, groups[1].LearningRate, 1e-7);
    }

    [TestMethod]
    [DataRow(LantonRateForm.GroupMinimum)]
    [DataRow(LantonRateForm.GroupMaximum)]
    [DataRow(LantonRateForm.InverseSquareRoot)]
    public void NoisierLayer_NeverGetsTheLargerRate(LantonRateForm form)
    {
        using var scope = NewDisposeScope();
        var grads = Gradients(20, 0.3, 2.0, shape1: [3, 5]);
        using var run = new Run(new LantonSchedule(Rate: form), shape1: [3, 5]);
        for (int t = 0; t < grads.Length; t++)
        {
            run.Step(t, grads[t].G0, grads[t].G1, grads[t].Gb);
            if (t > 0)
            {
                var (noise, ratios) = (run.Lanton.Noise, run.Lanton.Ratios);
                Assert.IsTrue(noise[1] > noise[0] ? ratios[1] <= ratios[0] : ratios[1] >= ratios[0], $"step {t}: H {noise[0]}, {noise[1]}; ratios {ratios[0]}, {ratios[1]}");
            }
        }
        if (form == LantonRateForm.GroupMinimum)
            Assert.IsTrue(run.Lanton.Ratios.Max() == 1.0 && run.Lanton.Ratios[1] < 1);
        if (form == LantonRateForm.GroupMaximum)
            Assert.IsTrue(run.Lanton.Ratios[0] > 1 && run.Lanton.Ratios[1] == 1.0);
    }

    [TestMethod]
    public void NormGroups_AreIndependent_AndVectorsKeepTheBaseRate()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(2);
        Parameter P() => new(randn([3, 3], dtype: float64, generator: generator));
        var (a, b, c, d) = (P(), P(), P(), P());
        var bias = new Parameter(zeros(3, dtype: float64));
        IReadOnlyList<double> RatiosAfter(double noiseOfD)
        {
            var gen = new Generator(9);
            using var muon = new Muon([new Muon.ParamGroup([a, b]), new Muon.ParamGroup([c, d]), new Muon.ParamGroup([bias], new Muon.Options { UseMuon = false })]);
            using var controller = (LantonController)new LantonSchedule().CreateController(muon);
            for (int t = 0; t < 6; t++)
            {
                a.grad = randn([3, 3], dtype: float64, generator: gen);
                b.grad = randn([3, 3], dtype: float64, generator: gen) * 2;
                c.grad = randn([3, 3], dtype: float64, generator: gen);
                d.grad = randn([3, 3], dtype: float64, generator: gen) * noiseOfD;
                bias.grad = randn([3], dtype: float64, generator: gen);
                controller.BeforeStep(new TrainingStepContext(t, 10, t, 1, t, 10, 1));
            }
            Assert.HasCount(5, muon.ParamGroups);
            return controller.Ratios.ToArray();
        }
        var low = RatiosAfter(0.5);
        var high = RatiosAfter(5);
        Assert.AreEqual(low[0], high[0]);
        Assert.AreEqual(low[1], high[1]);
        Assert.AreNotEqual(low[3], high[3]);
        Assert.AreEqual(1.0, low[4], "the Adam (vector) group keeps the scheduled rate");
    }

    [TestMethod]
    public void Ratios_DoNotDependOnTheBaseSchedule()
    {
        using var scope = NewDisposeScope();
        var grads = Gradients(12, 0.5, 1.5);
        using var constant = new Run(new LantonSchedule());
        using var warm = new Run(new LantonSchedule(new WarmupSchedule(new LinearDecaySchedule(), WarmupFraction: 0.5)));
        for (int t = 0; t < grads.Length; t++)
        {
            // Same gradients in both runs: the estimates see only gradients, so the ratios agree while the rates differ.
            constant.Step(t, grads[t].G0, grads[t].G1, grads[t].Gb, total: 12);
            warm.Step(t, grads[t].G0, grads[t].G1, grads[t].Gb, total: 12);
            CollectionAssert.AreEqual(constant.Lanton.Ratios.ToArray(), warm.Lanton.Ratios.ToArray());
            double factor = new WarmupSchedule(new LinearDecaySchedule(), WarmupFraction: 0.5).Factor(t, 12);
            var group = warm.Optimizer.ParamGroups.ElementAt(1);
            Assert.AreEqual(group.InitialLearningRate * factor * warm.Lanton.Ratios[1], group.LearningRate, 1e-15);
        }
    }

    [TestMethod]
    public void Validate_BadValues_ThrowNamingTheMember()
    {
        Assert.AreEqual("Beta2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Beta2: 1).Validate()).ParamName);
        Assert.AreEqual("Epsilon", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Epsilon: 0).Validate()).ParamName);
        Assert.AreEqual("Rate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Rate: (LantonRateForm)7).Validate()).ParamName);
        Assert.AreEqual("Base", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(new HypergradientSchedule()).Validate()).ParamName);
        Assert.AreEqual("Noise", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LantonSchedule(Noise: (LantonNoiseEstimate)7).Validate()).ParamName);
        LearningRateScheduleSpec spec = new LantonSchedule(new CosineSchedule(), Rate: LantonRateForm.GroupMaximum);
        Assert.AreEqual(spec, System.Text.Json.JsonSerializer.Deserialize<LearningRateScheduleSpec>(System.Text.Json.JsonSerializer.Serialize(spec)));
    }

    [TestMethod]
    public void NoiseOption_IsSerialized()
    {
        LearningRateScheduleSpec spec = new LantonSchedule(Noise: LantonNoiseEstimate.IndependentGradient);
        string json = System.Text.Json.JsonSerializer.Serialize(spec);
        StringAssert.Contains(json, "\"Noise\":1");
        Assert.AreEqual(spec, System.Text.Json.JsonSerializer.Deserialize<LearningRateScheduleSpec>(json));
        var omitted = (LantonSchedule)System.Text.Json.JsonSerializer.Deserialize<LearningRateScheduleSpec>("""{"kind":"lanton"}""")!;
        Assert.AreEqual(LantonNoiseEstimate.PreviousGradient, omitted.Noise, "option II stays the default");
    }

    /// <summary>Option I: H after the first step is ‖G − G̃‖²_dual of that step (no previous gradient needed), per layer.</summary>
    [TestMethod]
    public void OptionI_UsesTheIndependentGradientFromTheFirstStep()
    {
        using var scope = NewDisposeScope();
        var grads = Gradients(3, 0.5, 2.0);
        var independent = Gradients(3, 0.5, 2.0, seed: 9);
        using var run = new Run(new LantonSchedule(Noise: LantonNoiseEstimate.IndependentGradient));
        var controller = (IIndependentGradientController)run.Controller;
        Assert.IsTrue(controller.NeedsIndependentGradient);
        run.W0.grad = independent[0].G0.clone();
        run.W1.grad = independent[0].G1.clone();
        controller.ObserveIndependentGradient();
        run.Step(0, grads[0].G0, grads[0].G1, grads[0].Gb);
        double h0 = Math.Pow(LantonNorms.Dual(grads[0].G0 - independent[0].G0, spectral: true), 2);
        double h1 = Math.Pow(LantonNorms.Dual(grads[0].G1 - independent[0].G1, spectral: true), 2);
        Assert.AreEqual(h0, run.Lanton.Noise[0], 1e-9 * h0);
        Assert.AreEqual(h1, run.Lanton.Noise[1], 1e-9 * h1);
        Assert.IsTrue(h0 < h1);
        Assert.AreEqual(1.0, run.Lanton.Ratios[0], "form A: the least noisy layer keeps the group's rate");
        Assert.AreEqual(Math.Sqrt((h0 + 1e-6 * h1) / (h1 + 1e-6 * h1)), run.Lanton.Ratios[1], 1e-12, "form A: the noisier layer gets √((H_min + ε·H_max)/(H + ε·H_max))");

        // The independent gradient is used once: the next step without a new one is an error that says what to call.
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => run.Step(1, grads[1].G0, grads[1].G1, grads[1].Gb));
        StringAssert.Contains(error.Message, "ObserveIndependentGradient");
    }

    [TestMethod]
    public void OptionII_RejectsIndependentGradients()
    {
        using var scope = NewDisposeScope();
        using var run = new Run(new LantonSchedule());
        var controller = (IIndependentGradientController)run.Controller;
        Assert.IsFalse(controller.NeedsIndependentGradient);
        Assert.ThrowsExactly<InvalidOperationException>(controller.ObserveIndependentGradient);
    }

    private static double Frobenius(Tensor m) => m.square().sum().sqrt().item<double>();

    /// <summary>
    /// §1.6 test 6: i.i.d. gradients G = μ + N (μ fixed, N ~ 𝒩(0, σ²) per entry of an 8×8 matrix). In the Frobenius norm both
    /// estimators tend to 2·E‖N‖²_F = 2σ²·64 (a difference of two independent draws doubles the variance). With a drift
    /// μ_t = μ_0 + t·δ, option II also counts ‖δ‖²_F, option I does not.
    /// </summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void OptionIAndII_Frobenius_TendToTwiceTheNoise_AndOnlyOptionIIPicksUpDrift(bool drift)
    {
        using var scope = NewDisposeScope();
        const double sigma = 0.5, beta2 = 0.99;
        const int steps = 1500;
        var generator = new Generator(11);
        var mu = randn([8, 8], dtype: float64, generator: generator);
        var delta = full([8, 8], Math.Sqrt(0.5), dtype: float64);            // ‖δ‖²_F = 32 = 2σ²·64
        using var optionI = new LantonNoiseEstimator(Frobenius);
        using var optionII = new LantonNoiseEstimator(Frobenius);
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            var mean = drift ? mu + delta * t : mu;
            optionI.SetIndependent(mean + randn([8, 8], dtype: float64, generator: generator) * sigma);
            var g = mean + randn([8, 8], dtype: float64, generator: generator) * sigma;
            optionI.ObserveWithIndependent(g, beta2);
            optionII.ObserveWithPrevious(g, beta2);
        }
        double twiceNoise = 2 * sigma * sigma * 64;
        Assert.AreEqual(twiceNoise, optionI.Estimate(beta2), 0.05 * twiceNoise, "option I: 2·E‖N‖², drift or not");
        double expectedII = twiceNoise + (drift ? 32 : 0);
        Assert.AreEqual(expectedII, optionII.Estimate(beta2), 0.05 * expectedII, drift ? "option II: 2·E‖N‖² + ‖δ‖²" : "option II: 2·E‖N‖²");
    }

    /// <summary>§1.6 test 6, other norms (ℓ1 of the sign group, scaled nuclear of the Muon group) with sign noise N = ±σ: the two
    /// estimators agree on i.i.d. gradients and scale with σ², but the value is not 2·E‖N‖² (proportional only). (With Gaussian
    /// noise any norm gives exactly 2·E‖N‖², since N − N′ is distributed as √2·N; sign noise shows the difference: in ℓ1,
    /// ‖N − N′‖₁ = 2σ·Binomial(n, ½), so H → σ²(n² + n) against 2·E‖N‖₁² = 2σ²n².)</summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void OptionIAndII_OtherNorms_AgreeAndScaleWithTheVariance(bool spectral)
    {
        using var scope = NewDisposeScope();
        const double beta2 = 0.99;
        var estimates = new List<(double I, double II, double TwiceNoise)>();
        foreach (double sigma in new[] { 0.5, 1.5 })
        {
            var generator = new Generator(13);
            var mu = randn([8, 6], dtype: float64, generator: generator);
            using var optionI = new LantonNoiseEstimator(m => LantonNorms.Dual(m, spectral));
            using var optionII = new LantonNoiseEstimator(m => LantonNorms.Dual(m, spectral));
            double noiseSum = 0;
            for (int t = 0; t < 1500; t++)
            {
                using var stepScope = NewDisposeScope();
                var n1 = randn([8, 6], dtype: float64, generator: generator).sign_() * sigma;
                var n2 = randn([8, 6], dtype: float64, generator: generator).sign_() * sigma;
                optionI.SetIndependent(mu + n1);
                optionI.ObserveWithIndependent(mu + n2, beta2);
                optionII.ObserveWithPrevious(mu + n2, beta2);
                noiseSum += Math.Pow(LantonNorms.Dual(n2, spectral), 2);
            }
            estimates.Add((optionI.Estimate(beta2), optionII.Estimate(beta2), 2 * noiseSum / 1500));
        }
        foreach (var (i, ii, _) in estimates)
            Assert.AreEqual(i, ii, 0.08 * i, "options I and II agree on i.i.d. gradients");
        // The same draws scaled by 3: H scales by 9 exactly (up to rounding).
        Assert.AreEqual(9.0, estimates[1].I / estimates[0].I, 1e-9);
        Assert.AreEqual(9.0, estimates[1].II / estimates[0].II, 1e-9);
        // ...but, in ℓ1, not twice the mean squared dual norm of the noise: (n² + n)/(2n²) = 0.51 for n = 48.
        if (!spectral)
            Assert.AreEqual(48.0 * 49 / (2 * 48 * 48), estimates[0].I / estimates[0].TwiceNoise, 0.05, "only proportional");
    }
}
