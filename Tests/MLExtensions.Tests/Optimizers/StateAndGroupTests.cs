using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

[TestClass]
public sealed class StateAndGroupTests
{
    public static IEnumerable<object[]> Specs =>
        OptimizerRegistry.Names.Order().Select(n => new object[] { OptimizerRegistry.ToJson(OptimizerRegistry.CreateDefault(n)) })
            .Concat(new OptimizerSpec[]
            {
                new AdaBeliefSpec(AmsGrad: true, Rectify: false),
                new AdanSpec(MaxGradNorm: 0.5, NoProx: true, WeightDecay: 0.02),
                new AdamPSpec(Nesterov: true, WeightDecay: 0.1),
                new SgdPSpec(Nesterov: true, WeightDecay: 0.01),
                new LarsSpec(Nesterov: true, WeightDecay: 0.01),
                new MuonSpec(WeightDecay: 0.1, AdamWeightDecay: 0.05),
                new AroSpec(Rotation: AroRotationFunction.RowNorm, Scaling: AroLearningRateScaling.SpectralNorm),
                new CoordinateClippingSpec(new SgdSpec(), Fraction: 0.2, Global: false, Target: ClippingTarget.Gradient),
                new AdaGradSpec(LrDecay: 0.01, WeightDecay: 0.1, InitialAccumulatorValue: 0.1),
                new AdaGradNormSpec(LearningRate: 0.5, LrDecay: 0.01, WeightDecay: 0.1),
            }.Select(s => new object[] { OptimizerRegistry.ToJson(s) }));

    [TestMethod, DynamicData(nameof(Specs))]
    public void LoadStateDict_IntoFreshOptimizer_ContinuesLikeUninterruptedRun(string specJson)
    {
        var spec = OptimizerRegistry.FromJson(specJson);
        using var scope = NewDisposeScope();
        var (reference, x, y) = TinyProblem.Create(seed: 11);
        using var uninterrupted = (OptimizerHelper)spec.Create(reference.parameters());
        for (int i = 0; i < 6; i++)
            TrainStep(reference, uninterrupted, x, y);

        var (first, _, _) = TinyProblem.Create(seed: 11);
        var stream = new MemoryStream();
        using (var before = (OptimizerHelper)spec.Create(first.parameters()))
        {
            for (int i = 0; i < 3; i++)
                TrainStep(first, before, x, y);
            var writer = new BinaryWriter(stream);
            before.save_state_dict(writer);
            writer.Flush();
        }

        // A fresh model holding the interrupted run's weights, and a fresh optimizer that loads the saved state.
        var (resumed, _, _) = TinyProblem.Create(seed: 99);
        using (no_grad())
            foreach (var (dst, src) in resumed.parameters().Zip(first.parameters()))
                dst.copy_(src);
        using var after = (OptimizerHelper)spec.Create(resumed.parameters());
        stream.Position = 0;
        after.load_state_dict(new BinaryReader(stream));
        Assert.AreEqual(stream.Length, stream.Position, "The whole saved state was read back.");
        for (int i = 0; i < 3; i++)
            TrainStep(resumed, after, x, y);

        foreach (var (a, b) in reference.parameters().Zip(resumed.parameters()))
        {
            double diff = (a - b).abs().max().item<double>();
            Assert.IsTrue(diff <= 1e-14, $"{spec.GetType().Name}: resumed run differs by {diff}.");
        }
        // Without the saved state the continuation would differ (so the check above has teeth).
        // (Lion is skipped: a sign update from zero momentum can agree with the resumed one over a few steps.)
        if (spec is not LionSpec)
        {
            var (control, _, _) = TinyProblem.Create(seed: 99);
            using (no_grad())
                foreach (var (dst, src) in control.parameters().Zip(first.parameters()))
                    dst.copy_(src);
            using var fresh = spec.Create(control.parameters());
            for (int i = 0; i < 3; i++)
                TrainStep(control, fresh, x, y);
            double gap = reference.parameters().Zip(control.parameters()).Max(t => (t.First - t.Second).abs().max().item<double>());
            Assert.IsTrue(gap > 1e-12, $"{spec.GetType().Name}: a fresh optimizer continues identically; state is not exercised.");
        }
    }

    [TestMethod]
    public void LoadStateDict_WrongOptimizerType_Throws()
    {
        using var scope = NewDisposeScope();
        var (model, x, y) = TinyProblem.Create(seed: 1);
        using var lion = new Lion(model.parameters());
        TrainStep(model, lion, x, y);
        var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        lion.save_state_dict(writer);
        writer.Flush();
        stream.Position = 0;
        using var adan = new Adan(model.parameters());
        Assert.ThrowsExactly<InvalidDataException>(() => adan.load_state_dict(new BinaryReader(stream)));
    }

    /// <summary>Builds an optimizer with two groups (A, B) of one matrix parameter each, with the given per-group lr and weight decay.</summary>
    public static IEnumerable<object[]> GroupFactories =>
    [
        ["lion", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Lion([new Lion.ParamGroup([a]), new Lion.ParamGroup([b], new Lion.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["adabelief", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdaBelief([new AdaBelief.ParamGroup([a]), new AdaBelief.ParamGroup([b], new AdaBelief.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["diffgrad", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new DiffGrad([new DiffGrad.ParamGroup([a]), new DiffGrad.ParamGroup([b], new DiffGrad.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["adan", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Adan([new Adan.ParamGroup([a]), new Adan.ParamGroup([b], new Adan.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["adamp", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdamP([new AdamP.ParamGroup([a]), new AdamP.ParamGroup([b], new AdamP.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["sgdp", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new SgdP([new SgdP.ParamGroup([a]), new SgdP.ParamGroup([b], new SgdP.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3, momentum: 0.9))],
        ["lamb", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Lamb([new Lamb.ParamGroup([a]), new Lamb.ParamGroup([b], new Lamb.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["lars", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Lars([new Lars.ParamGroup([a]), new Lars.ParamGroup([b], new Lars.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["sgd_sai", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new SgdSai([new SgdSai.ParamGroup([a]), new SgdSai.ParamGroup([b], new SgdSai.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3, weightDecay: 0))],
        ["muon", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Muon([new Muon.ParamGroup([a]), new Muon.ParamGroup([b], new Muon.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["am_sgd", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdaptiveMemorySgd([new AdaptiveMemorySgd.ParamGroup([a]), new AdaptiveMemorySgd.ParamGroup([b], new AdaptiveMemorySgd.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["am_adamw", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdaptiveMemoryAdamW([new AdaptiveMemoryAdamW.ParamGroup([a]), new AdaptiveMemoryAdamW.ParamGroup([b], new AdaptiveMemoryAdamW.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3, weightDecay: 0))],
        ["aro", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new Aro([new Aro.ParamGroup([a]), new Aro.ParamGroup([b], new Aro.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3, weightDecay: 0))],
        ["adagrad", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdaGrad([new AdaGrad.ParamGroup([a]), new AdaGrad.ParamGroup([b], new AdaGrad.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
        ["adagrad_norm", (Func<Parameter, Parameter, double, double, torch.optim.Optimizer>)((a, b, lr, wd) =>
            new AdaGradNorm([new AdaGradNorm.ParamGroup([a]), new AdaGradNorm.ParamGroup([b], new AdaGradNorm.Options { LearningRate = lr, WeightDecay = wd })], lr: 1e-3))],
    ];

    [TestMethod, DynamicData(nameof(GroupFactories))]
    public void Step_TwoGroups_UseTheirOwnLearningRateAndWeightDecay(string name, Func<Parameter, Parameter, double, double, torch.optim.Optimizer> create)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var start = randn([3, 4], dtype: float64, generator: generator);
        var grads = Enumerable.Range(0, 3).Select(_ => randn([3, 4], dtype: float64, generator: generator)).ToList();

        Tensor Run(double lr, double wd)
        {
            var a = new Parameter(start.clone());
            var b = new Parameter(start.clone());
            using var optimizer = create(a, b, lr, wd);
            foreach (var g in grads)
            {
                a.grad = g.clone();
                b.grad = g.clone();
                optimizer.step();
            }
            return (b - a).abs().max();
        }

        Assert.AreEqual(0.0, Run(1e-3, 0).item<double>(), $"{name}: same options must give the same update.");
        Assert.IsTrue(Run(1e-2, 0).item<double>() > 1e-6, $"{name}: a larger group learning rate must change the update.");
        Assert.IsTrue(Run(1e-3, 0.5).item<double>() > 1e-9, $"{name}: group weight decay must change the update.");
    }

    [TestMethod]
    public void ParamGroups_LearningRateSetBySchedule_IsUsedByStep()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(3, dtype: float64));
        using var optimizer = new Lion([p], lr: 1e-3);
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = 0.5;
        p.grad = ones(3, dtype: float64);
        optimizer.step();
        Assert.AreEqual(-0.5, p[0].item<double>(), 1e-15);
    }

    internal static void TrainStep(nn.Module<Tensor, Tensor> model, torch.optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.mse_loss(model.forward(x), y);
        loss.backward();
        optimizer.step();
    }
}
