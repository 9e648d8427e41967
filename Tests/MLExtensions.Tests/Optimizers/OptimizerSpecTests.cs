using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

[TestClass]
public sealed class OptimizerSpecTests
{
    public static IEnumerable<object[]> Names =>
        OptimizerRegistry.Names.Order().SelectMany(n => new[] { new object[] { n, false }, new object[] { n, true } });

    [TestMethod, DynamicData(nameof(Names))]
    public void CreateDefault_EveryRegisteredName_ValidatesRoundTripsAndReducesLoss(string name, bool float32)
    {
        var spec = OptimizerRegistry.CreateDefault(name);
        spec.Validate();
        Assert.AreEqual(spec, OptimizerRegistry.FromJson(OptimizerRegistry.ToJson(spec)));

        using var scope = NewDisposeScope();
        var (model, x, y) = TinyProblem.Create(seed: 3, float32 ? ScalarType.Float32 : ScalarType.Float64);
        using var optimizer = spec.Create(model.parameters());
        double first = double.NaN, last = double.NaN;
        for (int step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            last = loss.ToDouble();
            if (step == 0)
                first = last;
        }
        Assert.IsTrue(double.IsFinite(last) && last < first, $"{name}: loss {first} -> {last}");
    }

    [TestMethod]
    public void Names_IncludeEveryOptimizerOfTheIssue()
    {
        string[] expected = ["sgd", "adam", "adamw", "lion", "adabelief", "diffgrad", "adan", "adamp", "sgdp", "lamb", "lars", "sgd_sai", "muon",
                             "am_sgd", "am_adamw", "aro", "coordinate_clipping", "adagrad", "adagrad_norm"];
        CollectionAssert.AreEquivalent(expected, OptimizerRegistry.Names.ToArray());
    }

    public static IEnumerable<object[]> BadValues =>
    [
        ["lion", "LearningRate", -1e-3], ["lion", "LearningRate", 0.0], ["lion", "Beta1", 1.0], ["lion", "Beta2", -0.1], ["lion", "WeightDecay", -1.0],
        ["adabelief", "LearningRate", double.NaN], ["adabelief", "Beta1", 1.5], ["adabelief", "Beta2", 1.0], ["adabelief", "Epsilon", 0.0],
        ["adabelief", "WeightDecay", -0.1],
        ["diffgrad", "Epsilon", -1e-8], ["diffgrad", "Beta2", 1.0], ["diffgrad", "LearningRate", double.PositiveInfinity],
        ["adan", "Beta3", 1.0], ["adan", "MaxGradNorm", -1.0], ["adan", "Epsilon", 0.0],
        ["adamp", "Delta", 0.0], ["adamp", "WdRatio", 1.5], ["adamp", "Beta1", -0.5],
        ["sgdp", "Momentum", 1.0], ["sgdp", "Dampening", -0.1], ["sgdp", "Epsilon", 0.0], ["sgdp", "LearningRate", -0.1],
        ["lamb", "Epsilon", 0.0], ["lamb", "Beta1", 1.0], ["lamb", "WeightDecay", -1e-2],
        ["lars", "TrustCoefficient", 0.0], ["lars", "Momentum", 1.0], ["lars", "LearningRate", 0.0],
        ["sgd_sai", "Momentum", 0.0], ["sgd_sai", "Epsilon", 0.0], ["sgd_sai", "WeightDecay", -1.0],
        ["muon", "Momentum", 1.0], ["muon", "AdamLearningRate", 0.0], ["muon", "AdamEpsilon", 0.0], ["muon", "NsSteps", 0],
        ["am_sgd", "Lambda", -0.1], ["am_sgd", "BetaMax", 1.0], ["am_sgd", "LearningRate", -1.0],
        ["am_adamw", "BetaMax", 1.0], ["am_adamw", "Beta2", 1.0], ["am_adamw", "Epsilon", 0.0], ["am_adamw", "Lambda", -1.0],
        ["aro", "Momentum", 1.0], ["aro", "SinkhornIterations", 0], ["aro", "AdamBeta2", 1.0], ["aro", "AdamLearningRate", -1.0],
        ["coordinate_clipping", "Fraction", 1.5], ["coordinate_clipping", "ThresholdScale", 0.0],
        ["sgd", "LearningRate", -1.0], ["adam", "Beta1", 1.0], ["adamw", "Epsilon", 0.0],
        ["adagrad", "LearningRate", 0.0], ["adagrad", "LrDecay", -0.1], ["adagrad", "WeightDecay", -1.0], ["adagrad", "InitialAccumulatorValue", -0.1],
        ["adagrad", "Epsilon", 0.0],
        ["adagrad_norm", "LearningRate", double.NaN], ["adagrad_norm", "LrDecay", -1.0], ["adagrad_norm", "WeightDecay", -0.1],
        ["adagrad_norm", "InitialAccumulatorValue", -1.0], ["adagrad_norm", "Epsilon", 0.0],
    ];

    [TestMethod, DynamicData(nameof(BadValues))]
    public void Validate_BadHyperparameter_ThrowsNamingSpecProperty(string name, string property, object value)
    {
        var spec = WithValue(OptimizerRegistry.CreateDefault(name), property, value);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Validate());
        Assert.AreEqual(property, ex.ParamName);
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(2, 3));
        var ex2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Create([p]));
        Assert.AreEqual(property, ex2.ParamName);
    }

    [TestMethod]
    public void Validate_WithExpressionSettingBadValue_StoresThenThrowsOnUse()
    {
        var spec = new AdaBeliefSpec() with { LearningRate = -1 };
        Assert.AreEqual(-1, spec.LearningRate);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spec.Validate());
        Assert.AreEqual("LearningRate", ex.ParamName);
    }

    [TestMethod]
    public void CoordinateClippingSpec_LearningRate_DelegatesToInnerAndRoundTrips()
    {
        var spec = new CoordinateClippingSpec(new LionSpec(LearningRate: 3e-4), Fraction: 0.05) with { LearningRate = 1e-4 };
        Assert.AreEqual(new LionSpec(LearningRate: 1e-4), spec.Inner);
        Assert.AreEqual(spec, OptimizerRegistry.FromJson(OptimizerRegistry.ToJson(spec)));
        var bad = new CoordinateClippingSpec(new LionSpec(Beta1: 2));
        Assert.AreEqual("Beta1", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => bad.Validate()).ParamName);
    }

    public static IEnumerable<object[]> ConstructorCases =>
    [
        ["LearningRate", (Action<Parameter[]>)(ps => _ = new Lion(ps, lr: -1))],
        ["Beta2", (Action<Parameter[]>)(ps => _ = new AdaBelief(ps, beta2: 1))],
        ["Epsilon", (Action<Parameter[]>)(ps => _ = new DiffGrad(ps, eps: 0))],
        ["Beta3", (Action<Parameter[]>)(ps => _ = new Adan(ps, beta3: -0.1))],
        ["WdRatio", (Action<Parameter[]>)(ps => _ = new AdamP(ps, wdRatio: 2))],
        ["Momentum", (Action<Parameter[]>)(ps => _ = new SgdP(ps, momentum: 1))],
        ["Epsilon", (Action<Parameter[]>)(ps => _ = new Lamb(ps, eps: -1))],
        ["TrustCoefficient", (Action<Parameter[]>)(ps => _ = new Lars(ps, trustCoefficient: 0))],
        ["WeightDecay", (Action<Parameter[]>)(ps => _ = new SgdSai(ps, weightDecay: -1))],
        ["NsSteps", (Action<Parameter[]>)(ps => _ = new Muon(ps, nsSteps: 0))],
        ["BetaMax", (Action<Parameter[]>)(ps => _ = new AdaptiveMemorySgd(ps, betaMax: 1))],
        ["Lambda", (Action<Parameter[]>)(ps => _ = new AdaptiveMemoryAdamW(ps, lambda: -1))],
        ["Momentum", (Action<Parameter[]>)(ps => _ = new Aro(ps, momentum: 1))],
        ["Fraction", (Action<Parameter[]>)(ps => _ = new CoordinateClipping(new Lion(ps), fraction: -0.1))],
        // A group's own option is validated when the group is added.
        ["LearningRate", (Action<Parameter[]>)(ps => _ = new Lion([new Lion.ParamGroup(ps, new Lion.Options { LearningRate = -1 })]))],
        ["Beta1", (Action<Parameter[]>)(ps => _ = new AdamP([new AdamP.ParamGroup(ps, new AdamP.Options { Beta1 = 1 })]))],
    ];

    [TestMethod, DynamicData(nameof(ConstructorCases))]
    public void Constructor_BadHyperparameter_ThrowsNamingSpecProperty(string property, Action<Parameter[]> create)
    {
        using var scope = NewDisposeScope();
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => create([new Parameter(ones(2, 3))]));
        Assert.AreEqual(property, ex.ParamName);
    }

    [TestMethod]
    public void Muon_VectorInMuonGroup_Throws()
    {
        using var scope = NewDisposeScope();
        Assert.ThrowsExactly<ArgumentException>(() => new Muon([new Parameter(ones(3))]));
        Assert.ThrowsExactly<ArgumentException>(() => new Aro([new Parameter(ones(3))]));
    }

    private static OptimizerSpec WithValue(OptimizerSpec spec, string property, object value)
    {
        var type = spec.GetType();
        var ctor = type.GetConstructors().Single(c => c.GetParameters().Length > 0);
        var args = ctor.GetParameters().Select(p => p.Name == property
            ? Convert.ChangeType(value, p.ParameterType, System.Globalization.CultureInfo.InvariantCulture)
            : type.GetProperty(p.Name!)!.GetValue(spec)).ToArray();
        Assert.IsTrue(ctor.GetParameters().Any(p => p.Name == property), $"{type.Name} has no {property}.");
        return (OptimizerSpec)ctor.Invoke(args);
    }
}

/// <summary>A tiny float64 regression problem: 8 samples, 4 features, a 4-6-2 tanh MLP.</summary>
internal static class TinyProblem
{
    public static (nn.Module<Tensor, Tensor> Model, Tensor X, Tensor Y) Create(int seed, ScalarType dtype = ScalarType.Float64)
    {
        var generator = new Generator((ulong)seed);
        var model = nn.Sequential(nn.Linear(4, 6, dtype: dtype), nn.Tanh(), nn.Linear(6, 2, dtype: dtype));
        using (no_grad())
            foreach (var p in model.parameters())
                p.copy_(randn(p.shape, dtype: dtype, generator: generator) * 0.5);
        var x = randn([8, 4], dtype: dtype, generator: generator);
        var y = randn([8, 2], dtype: dtype, generator: generator);
        return (model, x, y);
    }
}
