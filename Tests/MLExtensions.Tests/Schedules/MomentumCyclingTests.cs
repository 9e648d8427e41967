using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Schedules;

/// <summary>
/// One-cycle and cyclic momentum cycling through the controller, against PyTorch 1.13.1's <c>cycle_momentum</c>
/// (TestData/Golden/schedules/torch_momentum_cycling.json, made by make_torch_momentum.py): every step's rate and momentum
/// (SGD's momentum or Adam's β1) to 1e-12 relative.
/// </summary>
[TestClass]
public sealed class MomentumCyclingTests
{
    private static readonly JsonElement s_golden = ScheduleGolden.Load("torch_momentum_cycling.json");

    // 8 random one-cycle and 8 random cyclic cases (make_torch_momentum.py --fuzz).
    private static readonly JsonElement s_fuzz = ScheduleGolden.Load("torch_momentum_cycling_fuzz.json");

    public static IEnumerable<object[]> Cases => ScheduleGolden.CaseNames(s_golden);

    public static IEnumerable<object[]> FuzzCases => ScheduleGolden.CaseNames(s_fuzz);

    [TestMethod]
    public void Golden_HoldsElevenCases() => Assert.AreEqual(11, Cases.Count());

    [TestMethod]
    public void FuzzGolden_HoldsSixteenCases() => Assert.AreEqual(16, FuzzCases.Count());

    [TestMethod, DynamicData(nameof(Cases))]
    public void Controller_SetsPyTorchsRateAndMomentumEveryStep(string name) => AssertMatches(s_golden, name);

    [TestMethod, DynamicData(nameof(FuzzCases))]
    public void Controller_RandomArguments_SetsPyTorchsRateAndMomentumEveryStep(string name) => AssertMatches(s_fuzz, name);

    private static void AssertMatches(JsonElement golden, string name)
    {
        var c = golden.GetProperty("cases").GetProperty(name);
        var p = c.GetProperty("params");
        double D(string key) => p.GetProperty(key).GetDouble();
        double peak = D("max_lr");
        LearningRateScheduleSpec spec = name.StartsWith("onecycle", StringComparison.Ordinal)
            ? new OneCycleSchedule(D("pct_start"), D("div_factor"), D("final_div_factor"),
                p.GetProperty("anneal_strategy").GetString() == "cos" ? AnnealKind.Cosine : AnnealKind.Linear,
                p.GetProperty("three_phase").GetBoolean(), CycleMomentum: true, D("base_momentum"), D("max_momentum"))
            : new CyclicSchedule(D("base_lr") / peak, p.GetProperty("step_size_up").GetInt64(), p.GetProperty("step_size_down").GetInt64(),
                p.GetProperty("mode").GetString() switch { "triangular2" => CyclicMode.Triangular2, "exp_range" => CyclicMode.ExpRange, _ => CyclicMode.Triangular },
                D("gamma"), CycleMomentum: true, D("base_momentum"), D("max_momentum"));
        long steps = c.GetProperty("steps").GetInt64();
        var lr = c.GetProperty("lr").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var momentum = c.GetProperty("momentum").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        using var parameter = new TorchSharp.Modules.Parameter(torch.zeros(3));
        bool sgd = c.GetProperty("optimizer").GetString() == "sgd";
        using var optimizer = sgd ? (torch.optim.Optimizer)new Sgd([parameter], lr: peak, momentum: 0.9) : new Adam([parameter], lr: peak);
        using var controller = spec.CreateController(optimizer);
        var group = optimizer.ParamGroups.Single();
        for (long i = 0; i < steps; i++)
        {
            controller.BeforeStep(new TrainingStepContext(i, steps, i, 1, i, steps, 1));
            Assert.AreEqual(lr[i], group.LearningRate, 1e-12 * lr[i], $"{name}: rate of step {i}");
            var options = ((TorchSharp.Modules.ParamGroup)group).Options;
            double actual = options is Sgd.Options sgdOptions ? sgdOptions.Momentum!.Value : ((Adam.Options)options).Beta1!.Value;
            Assert.AreEqual(momentum[i], actual, 1e-12 * momentum[i], $"{name}: momentum of step {i}");
            controller.AfterStep(new TrainingStepContext(i, steps, i, 1, i, steps, 1));
        }
    }

    [TestMethod]
    public void CycleMomentumOff_LeavesTheMomentumAlone()
    {
        using var parameter = new TorchSharp.Modules.Parameter(torch.zeros(3));
        using var optimizer = new AdamW([parameter], lr: 0.1, beta1: 0.9);
        using var controller = new OneCycleSchedule(CycleMomentum: false).CreateController(optimizer);
        var options = (AdamW.Options)((TorchSharp.Modules.ParamGroup)optimizer.ParamGroups.Single()).Options;
        for (long i = 0; i < 20; i++)
        {
            controller.BeforeStep(new TrainingStepContext(i, 20, i, 1, i, 20, 1));
            Assert.AreEqual(0.9, options.Beta1!.Value, $"step {i}");
        }
    }

    [TestMethod]
    public void OptimizerWithoutMomentumOrBeta1_IsLeftAloneAndStillScheduled()
    {
        using var parameter = new TorchSharp.Modules.Parameter(torch.zeros(3));
        using var optimizer = new AdaptiveMemorySgdSpec(LearningRate: 0.1).Create([parameter]);
        Assert.IsNull(MomentumAccess.TryCreate(optimizer.ParamGroups), "Adaptive-Memory SGD has no Momentum/Beta1 option");
        using var controller = new OneCycleSchedule().CreateController(optimizer);
        Assert.IsFalse(((FactorScheduleController)controller).CyclesMomentum);
        controller.BeforeStep(new TrainingStepContext(0, 10, 0, 1, 0, 10, 1));
        Assert.AreEqual(0.1 / 25, optimizer.ParamGroups.Single().LearningRate, 1e-15);
    }

    [TestMethod]
    public void SgdFamily_CyclesMomentum_AdamFamily_CyclesBeta1()
    {
        using var parameter = new TorchSharp.Modules.Parameter(torch.zeros(3));
        using var sgd = new Sgd([parameter], lr: 0.1, momentum: 0.5);
        Assert.AreEqual("Momentum", MomentumAccess.TryCreate(sgd.ParamGroups)!.OptionName);
        using var lion = new LionSpec().Create([parameter]);
        Assert.AreEqual("Beta1", MomentumAccess.TryCreate(lion.ParamGroups)!.OptionName);
    }

    [TestMethod]
    public void TorchSharpsOwnOptimizers_AreCycledThroughTheirIBetasAndIMomentum_LikeOurs()
    {
        // PyTorch's OneCycleLR cycles betas[0] of Adam-like optimizers and the momentum of SGD and RMSprop; a plain TorchSharp
        // loop with TorchSharp's optimizers gets the same from our schedules (it was silently not cycled).
        using var scope = torch.NewDisposeScope();
        var p = () => new TorchSharp.Modules.Parameter(torch.zeros(3));
        const int steps = 30;
        var schedule = new OneCycleSchedule(BaseMomentum: 0.8, MaxMomentum: 0.97);
        using var oursAdam = new Adam([p()], lr: 0.1);
        using var oursSgd = new Sgd([p()], lr: 0.1, momentum: 0.9);
        var optimizers = new (torch.optim.Optimizer Optimizer, Func<double> Momentum)[]
        {
            (oursAdam, () => ((TorchSharp.torch.optim.IBetas)oursAdam.ParamGroups.Single()).Betas.Item1),
            (oursSgd, () => ((TorchSharp.torch.optim.IMomentum)oursSgd.ParamGroups.Single()).Momentum),
        }.ToList();
        foreach (var o in new torch.optim.Optimizer[] { torch.optim.Adam([p()], 0.1), torch.optim.AdamW([p()], 0.1), torch.optim.NAdam([p()], 0.1) })
            optimizers.Add((o, () => ((TorchSharp.torch.optim.IBetas)o.ParamGroups.Single()).Betas.Item1));
        foreach (var o in new torch.optim.Optimizer[] { torch.optim.SGD([p()], 0.1, momentum: 0.9), torch.optim.RMSProp([p()], 0.1, momentum: 0.5) })
            optimizers.Add((o, () => ((TorchSharp.torch.optim.IMomentum)o.ParamGroups.Single()).Momentum));
        var controllers = optimizers.Select(o => schedule.CreateController(o.Optimizer)).ToArray();
        Assert.IsTrue(controllers.All(c => ((FactorScheduleController)c).CyclesMomentum));
        var seen = new HashSet<double>();
        for (long i = 0; i < steps; i++)
        {
            var context = new TrainingStepContext(i, steps, i, 1, i, steps, 1);
            foreach (var c in controllers) c.BeforeStep(context);
            double expected = optimizers[0].Momentum();
            seen.Add(expected);
            foreach (var (optimizer, momentum) in optimizers)
            {
                Assert.AreEqual(expected, momentum(), 0.0, $"{optimizer.GetType().Name}, step {i}");
                Assert.AreEqual(optimizers[0].Optimizer.ParamGroups.Single().LearningRate, optimizer.ParamGroups.Single().LearningRate, 0.0);
            }
        }

        Assert.IsTrue(seen.Max() == 0.97 && seen.Min() < 0.81, string.Join(", ", seen));
        foreach (var c in controllers) c.Dispose();
        foreach (var (o, _) in optimizers.Skip(2)) o.Dispose();
    }

    [TestMethod]
    public void MomentumRange_IsValidated()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new OneCycleSchedule(BaseMomentum: 0.96).Validate());
        Assert.AreEqual("MaxMomentum", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CyclicSchedule(BaseMomentum: -0.1).Validate());
        Assert.AreEqual("BaseMomentum", e.ParamName);
    }

    [TestMethod]
    public void OldJsonWithoutMomentumMembers_GetsPyTorchsDefaults()
    {
        var spec = (OneCycleSchedule)JsonSerializer.Deserialize<LearningRateScheduleSpec>("""{"kind":"one-cycle","WarmupFraction":0.25}""")!;
        Assert.IsTrue(spec.CycleMomentum);
        Assert.AreEqual(0.85, spec.BaseMomentum);
        Assert.AreEqual(0.95, spec.MaxMomentum);
        var cyclic = (CyclicSchedule)JsonSerializer.Deserialize<LearningRateScheduleSpec>("""{"kind":"cyclic"}""")!;
        Assert.AreEqual(0.8, cyclic.BaseMomentum);
        Assert.AreEqual(0.9, cyclic.MaxMomentum);
    }
}
