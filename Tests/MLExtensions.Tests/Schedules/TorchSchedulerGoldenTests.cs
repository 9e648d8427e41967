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

    // Growth (gamma > 1, e.g. ExponentialLR as a learning-rate range test) and repeated or unsorted milestones
    // (make_torch_fuzz.py --edges); each case names its PyTorch class.
    private static readonly JsonElement s_edges = ScheduleGolden.Load("torch_lr_schedulers_edges.json");

    public static IEnumerable<object[]> EdgeCases => ScheduleGolden.CaseNames(s_edges);

    // ConstantLR, and SequentialLR over two to four parts (make_torch_fuzz.py --sequential).
    private static readonly JsonElement s_sequential = ScheduleGolden.Load("torch_lr_schedulers_sequential.json");

    public static IEnumerable<object[]> SequentialCases => ScheduleGolden.CaseNames(s_sequential);

    [TestMethod]
    public void Golden_HoldsTheElevenSchedules() => Assert.AreEqual(11, Cases.Count());

    [TestMethod]
    public void FuzzGolden_HoldsSixDrawsOfEachSchedule() =>
        CollectionAssert.AreEquivalent(
            Cases.SelectMany(c => Enumerable.Repeat((string)c[0], 6)).ToArray(),
            FuzzCases.Select(c => Kind(s_fuzz.GetProperty("cases").GetProperty((string)c[0]), (string)c[0])).ToArray());

    [TestMethod, DynamicData(nameof(Cases))]
    public void Factor_TimesThePeak_MatchesPyTorchEveryStep(string name) => AssertMatches(s_golden, name);

    [TestMethod, DynamicData(nameof(FuzzCases))]
    public void Factor_RandomArguments_MatchesPyTorchEveryStep(string name) => AssertMatches(s_fuzz, name);

    [TestMethod, DynamicData(nameof(EdgeCases))]
    public void Factor_GrowthAndRepeatedMilestones_MatchPyTorchEveryStep(string name) => AssertMatches(s_edges, name);

    [TestMethod, DynamicData(nameof(SequentialCases))]
    public void Factor_ConstantAndSequential_MatchPyTorchEveryStep(string name) => AssertMatches(s_sequential, name);

    [TestMethod]
    public void SequentialGolden_HoldsConstantAndSequentialsOfUpToFourParts()
    {
        var cases = s_sequential.GetProperty("cases").EnumerateObject().Select(c => c.Value).ToArray();
        Assert.AreEqual(26, cases.Length);
        Assert.AreEqual(6, cases.Count(c => c.GetProperty("scheduler").GetString() == "ConstantLR"));
        var parts = cases.Where(c => c.GetProperty("scheduler").GetString() == "SequentialLR")
            .Select(c => c.GetProperty("params").GetProperty("schedulers").GetArrayLength()).ToArray();
        Assert.AreEqual(20, parts.Length);
        CollectionAssert.IsSubsetOf(new[] { 2, 3, 4 }, parts.Distinct().ToArray());
    }

    [TestMethod]
    public void EdgeGolden_HoldsRepeatedUnsortedMilestonesAndGrowth()
    {
        var cases = s_edges.GetProperty("cases");
        Assert.AreEqual(19, EdgeCases.Count());
        var repeated = cases.GetProperty("multistep_repeated").GetProperty("params").GetProperty("milestones").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        Assert.AreNotEqual(repeated.Length, repeated.Distinct().Count());
        var unsorted = cases.GetProperty("multistep_unsorted").GetProperty("params").GetProperty("milestones").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        CollectionAssert.AreNotEqual(unsorted.Order().ToArray(), unsorted);
        Assert.IsTrue(cases.GetProperty("exponential_range_test").GetProperty("params").GetProperty("gamma").GetDouble() > 1);
    }


    private static void AssertMatches(JsonElement golden, string name)
    {
        var c = golden.GetProperty("cases").GetProperty(name);
        var p = c.GetProperty("params");
        double baseLr = golden.GetProperty("base_lr").GetDouble();
        double peak = p.TryGetProperty("max_lr", out var max) ? max.GetDouble() : baseLr;
        var spec = Spec(Kind(c, name), p, baseLr);
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

    /// <summary>
    /// The spec of a golden case, from PyTorch's constructor arguments; arguments a case leaves out take PyTorch 1.13's defaults.
    /// <paramref name="kind"/> is a case name of torch_lr_schedulers.json or a PyTorch scheduler class name.
    /// </summary>
    private static LearningRateScheduleSpec Spec(string kind, JsonElement p, double baseLr)
    {
        double D(string key, double fallback) => p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
        long L(string key, long fallback) => p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : fallback;
        string S(string key, string fallback) => p.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;
        long Required(string key) => p.GetProperty(key).GetInt64();
        return kind switch
        {
            "step" or "StepLR" => new StepSchedule(Required("step_size"), D("gamma", 0.1)),
            "multistep" or "MultiStepLR" => new MultiStepSchedule(p.GetProperty("milestones").EnumerateArray().Select(v => v.GetInt64()).ToArray(), D("gamma", 0.1)),
            "exponential" or "ExponentialLR" => new ExponentialSchedule(p.GetProperty("gamma").GetDouble()),
            "cosine" or "CosineAnnealingLR" => new CosineSchedule(D("eta_min", 0) / baseLr, Required("T_max")),
            "cosine_warm_restarts" or "CosineAnnealingWarmRestarts" => new CosineRestartsSchedule(Required("T_0"), L("T_mult", 1), D("eta_min", 0) / baseLr),
            "linear" or "linear_warmup" or "LinearLR" => new LinearSchedule(D("start_factor", 1.0 / 3), D("end_factor", 1.0), L("total_iters", 5)),
            "polynomial" or "PolynomialLR" => new PolynomialSchedule(L("total_iters", 5), D("power", 1.0)),
            "onecycle_cos" or "onecycle_linear" or "onecycle" or "OneCycleLR" => new OneCycleSchedule(
                D("pct_start", 0.3), D("div_factor", 25), D("final_div_factor", 1e4),
                S("anneal_strategy", "cos") == "cos" ? AnnealKind.Cosine : AnnealKind.Linear,
                p.TryGetProperty("three_phase", out var three) && three.GetBoolean()),
            "cyclic_triangular2" or "cyclic" or "CyclicLR" => new CyclicSchedule(D("base_lr", 0) / D("max_lr", baseLr), L("step_size_up", 2000),
                p.TryGetProperty("step_size_down", out var down) && down.ValueKind == JsonValueKind.Number ? down.GetInt64() : null,
                S("mode", "triangular") switch { "triangular2" => CyclicMode.Triangular2, "exp_range" => CyclicMode.ExpRange, _ => CyclicMode.Triangular },
                D("gamma", 1.0)),
            "ConstantLR" => new ConstantWarmupSchedule(D("factor", 1.0 / 3), L("total_iters", 5)),
            // PyTorch cycles a CyclicLR part's momentum too; a part gives only its factor here (the rates are compared).
            "SequentialLR" => new SequentialSchedule(
                p.GetProperty("schedulers").EnumerateArray()
                    .Select(part => Spec(part.GetProperty("scheduler").GetString()!, part.GetProperty("params"), baseLr))
                    .Select(part => part is CyclicSchedule cyclic ? cyclic with { CycleMomentum = false } : part).ToArray(),
                p.GetProperty("milestones").EnumerateArray().Select(v => v.GetInt64()).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no spec for this golden case"),
        };
    }

    /// <summary>
    /// A case's schedule: its <c>scheduler</c> field (a PyTorch class name) when it has one, else the longest name of
    /// torch_lr_schedulers.json that its name starts with (<c>cosine_fuzz3</c> is <c>cosine</c>, <c>cosine_warm_restarts_2</c>
    /// <c>cosine_warm_restarts</c>).
    /// </summary>
    private static string Kind(JsonElement c, string name)
    {
        if (c.TryGetProperty("scheduler", out var scheduler) && scheduler.ValueKind == JsonValueKind.String)
            return scheduler.GetString()!;
        return s_kinds.Where(k => name == k || name.StartsWith(k + "_", StringComparison.Ordinal)).MaxBy(k => k.Length)
            ?? throw new ArgumentOutOfRangeException(nameof(name), name, "no schedule kind for this golden case");
    }

    private static readonly string[] s_kinds =
        ["step", "multistep", "exponential", "cosine", "cosine_warm_restarts", "linear", "linear_warmup", "polynomial", "onecycle_cos",
         "onecycle_linear", "cyclic_triangular2", "onecycle", "cyclic"];

    [TestMethod]
    public void Validate_BadMembers_ThrowNamingTheMember()
    {
        (LearningRateScheduleSpec Spec, string Member)[] bad =
        [
            (new StepSchedule(0), "StepSize"),
            (new StepSchedule(5, Gamma: 0), "Gamma"),
            (new StepSchedule(5, Gamma: double.NaN), "Gamma"),
            (new MultiStepSchedule([5, 0]), "Milestones"),
            (new MultiStepSchedule([]), "Milestones"),
            (new MultiStepSchedule([5], Gamma: -1), "Gamma"),
            (new ExponentialSchedule(0), "Gamma"),
            (new ExponentialSchedule(double.PositiveInfinity), "Gamma"),
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
