using System.Text.Json;

namespace MLExtensions.Tests.Schedules;

/// <summary>
/// The PyTorch-equivalent schedules against <c>torch.optim.lr_scheduler</c>'s learning rates (TestData/Golden/schedules, PyTorch
/// 1.13.1): every step's rate to 1e-12 relative.
/// </summary>
[TestClass]
public sealed class TorchSchedulerGoldenTests
{
    private static readonly JsonElement s_golden = ScheduleGolden.Load("torch_lr_schedulers.json");

    // Random constructor arguments and run lengths past each schedule's horizon (make_torch_fuzz.py); names are <kind>_fuzz<k>.
    private static readonly JsonElement s_fuzz = ScheduleGolden.Load("torch_lr_schedulers_fuzz.json");

    public static IEnumerable<object[]> Cases => ScheduleGolden.CaseNames(s_golden);

    public static IEnumerable<object[]> FuzzCases => ScheduleGolden.CaseNames(s_fuzz);

    [TestMethod]
    public void Golden_HoldsTheElevenSchedules() => Assert.AreEqual(11, Cases.Count());

    [TestMethod]
    public void FuzzGolden_HoldsSixDrawsOfEachSchedule() =>
        CollectionAssert.AreEquivalent(
            Cases.SelectMany(c => Enumerable.Repeat((string)c[0], 6)).ToArray(),
            FuzzCases.Select(c => Kind((string)c[0])).ToArray());

    [TestMethod, DynamicData(nameof(Cases))]
    public void Factor_TimesThePeak_MatchesPyTorchEveryStep(string name) => AssertMatches(s_golden, name);

    [TestMethod, DynamicData(nameof(FuzzCases))]
    public void Factor_RandomArguments_MatchesPyTorchEveryStep(string name) => AssertMatches(s_fuzz, name);

    private static string Kind(string name) => name.Contains("_fuzz", StringComparison.Ordinal) ? name[..name.IndexOf("_fuzz", StringComparison.Ordinal)] : name;

    private static void AssertMatches(JsonElement golden, string name)
    {
        var c = golden.GetProperty("cases").GetProperty(name);
        var p = c.GetProperty("params");
        double baseLr = golden.GetProperty("base_lr").GetDouble();
        double peak = p.TryGetProperty("max_lr", out var max) ? max.GetDouble() : baseLr;
        var spec = Spec(Kind(name), p, baseLr);
        spec.Validate();
        long steps = c.GetProperty("steps").GetInt64();
        var expected = c.GetProperty("lr").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.AreEqual(steps, expected.Length);
        for (long i = 0; i < steps; i++)
        {
            double actual = peak * spec.Factor(i, steps);
            Assert.AreEqual(expected[i], actual, 1e-12 * Math.Abs(expected[i]) + 1e-16, $"{name}: step {i}");
        }

        // The spec survives a JSON round trip through the base type with the same rates.
        var json = JsonSerializer.Serialize(spec);
        var back = JsonSerializer.Deserialize<LearningRateScheduleSpec>(json)!;
        Assert.AreEqual(spec.GetType(), back.GetType(), json);
        for (long i = 0; i < steps; i++) Assert.AreEqual(spec.Factor(i, steps), back.Factor(i, steps), $"{name} after JSON: step {i}");
    }

    /// <summary>The spec of a golden case, from PyTorch's constructor arguments.</summary>
    private static LearningRateScheduleSpec Spec(string name, JsonElement p, double baseLr)
    {
        double D(string key) => p.GetProperty(key).GetDouble();
        long L(string key) => p.GetProperty(key).GetInt64();
        return name switch
        {
            "step" => new StepSchedule(L("step_size"), D("gamma")),
            "multistep" => new MultiStepSchedule(p.GetProperty("milestones").EnumerateArray().Select(v => v.GetInt64()).ToArray(), D("gamma")),
            "exponential" => new ExponentialSchedule(D("gamma")),
            "cosine" => new CosineSchedule(D("eta_min") / baseLr, L("T_max")),
            "cosine_warm_restarts" => new CosineRestartsSchedule(L("T_0"), L("T_mult"), D("eta_min") / baseLr),
            "linear" or "linear_warmup" => new LinearSchedule(D("start_factor"), D("end_factor"), L("total_iters")),
            "polynomial" => new PolynomialSchedule(L("total_iters"), D("power")),
            "onecycle_cos" or "onecycle_linear" => new OneCycleSchedule(
                D("pct_start"), D("div_factor"), D("final_div_factor"),
                p.GetProperty("anneal_strategy").GetString() == "cos" ? AnnealKind.Cosine : AnnealKind.Linear,
                p.TryGetProperty("three_phase", out var three) && three.GetBoolean()),
            "cyclic_triangular2" => new CyclicSchedule(D("base_lr") / D("max_lr"), L("step_size_up"),
                p.TryGetProperty("step_size_down", out var down) && down.ValueKind == JsonValueKind.Number ? down.GetInt64() : null,
                CyclicMode.Triangular2),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no spec for this golden case"),
        };
    }

    [TestMethod]
    public void Validate_BadMembers_ThrowNamingTheMember()
    {
        (LearningRateScheduleSpec Spec, string Member)[] bad =
        [
            (new StepSchedule(0), "StepSize"),
            (new StepSchedule(5, Gamma: 0), "Gamma"),
            (new MultiStepSchedule([5, 5]), "Milestones"),
            (new MultiStepSchedule([]), "Milestones"),
            (new ExponentialSchedule(1.5), "Gamma"),
            (new CosineSchedule(PeriodSteps: 0), "PeriodSteps"),
            (new CosineRestartsSchedule(0), "FirstCycleSteps"),
            (new CosineRestartsSchedule(10, CycleMultiplier: 0), "CycleMultiplier"),
            (new LinearSchedule(StartFactor: 0), "StartFactor"),
            (new LinearSchedule(Steps: 0), "Steps"),
            (new PolynomialSchedule(10, Power: double.NaN), "Power"),
            (new OneCycleSchedule(WarmupFraction: 1), "WarmupFraction"),
            (new OneCycleSchedule(WarmupFraction: 0.5, ThreePhase: true), "WarmupFraction"),
            (new OneCycleSchedule(DivFactor: 0.5), "DivFactor"),
            (new CyclicSchedule(BaseFactor: 1), "BaseFactor"),
            (new CyclicSchedule(StepsDown: 0), "StepsDown"),
            (new CyclicSchedule(Mode: (CyclicMode)7), "Mode"),
        ];
        foreach (var (spec, member) in bad)
            Assert.AreEqual(member, Assert.ThrowsExactly<ArgumentOutOfRangeException>(spec.Validate, spec.ToString()).ParamName, spec.ToString());
    }

    [TestMethod]
    public void CosineRestarts_WithoutGrowth_RepeatsItsCycle()
    {
        var s = new CosineRestartsSchedule(7, MinFactor: 0.2);
        for (long i = 0; i < 7; i++) Assert.AreEqual(s.Factor(i, 0), s.Factor(i + 7 * 1000, 0), 1e-15);
        Assert.AreEqual(1.0, s.Factor(7, 0), 1e-15);
    }
}
