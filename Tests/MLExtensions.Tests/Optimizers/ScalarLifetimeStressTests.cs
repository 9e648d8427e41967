using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

/// <summary>
/// Steps every registered optimizer, and the training loop, a fixed number of times while another thread forces garbage
/// collections and runs pending finalizers: a <c>Scalar</c> passed to LibTorch as an unreferenced temporary is then freed
/// mid-call now and then (<c>Unknown scalar type</c>, <c>Expected false to be true</c>). No exception may surface.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class ScalarLifetimeStressTests
{
    private const int ParameterCount = 24;
    // Enough steps that the old code (implicit conversions) failed in every case on a loaded 2-core machine; slower
    // optimizers take fewer steps to stay within ~1-3 s (ARO orthogonalizes with QR and Sinkhorn every step).
    private const int Steps = 1500;
    private static readonly Dictionary<string, int> s_fewerSteps = new()
    {
        ["adam"] = 600, ["adamp"] = 300, ["adan"] = 600, ["am_adamw"] = 300, ["coordinate_clipping"] = 450, ["lamb"] = 600, ["aro"] = 30, ["muon"] = 300, ["sgdp"] = 500,
    };

    public static IEnumerable<object[]> RegisteredKinds =>
        OptimizerRegistry.Names.Order().Select(name => new object[] { name });

    [TestMethod, DynamicData(nameof(RegisteredKinds))]
    public void Step_UnderConcurrentGarbageCollection_NeverFails(string kind)
    {
        var spec = OptimizerRegistry.CreateDefault(kind);
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        var parameters = Enumerable.Range(0, ParameterCount)
            .Select(_ => new Parameter(torch.randn([4, 4], dtype: float64, generator: generator)))
            .ToList();
        using var optimizer = spec.Create(parameters);
        int steps = s_fewerSteps.GetValueOrDefault(kind, Steps);
        WithGarbageCollectionPressure(() =>
        {
            for (int t = 0; t < steps; t++)
            {
                using var stepScope = NewDisposeScope();
                foreach (var p in parameters)
                    p.grad = torch.randn([4, 4], dtype: float64, generator: generator);
                optimizer.step();
            }
        });
        foreach (var p in parameters)
            Assert.IsTrue(p.isfinite().all().item<bool>(), $"{kind}: non-finite parameter after {steps} steps.");
    }

    [TestMethod]
    public void TrainingLoop_UnderConcurrentGarbageCollection_NeverFails()
    {
        const int rows = 64, features = 3;
        var random = new Random(5);
        var x = Enumerable.Range(0, rows * features).Select(_ => (float)random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => x[i * features] + 2 * x[i * features + 1]).ToArray();
        var options = new NeuralNetworkRegressionTrainer.Options
        {
            HiddenLayerSizes = [4],
            Activation = ActivationKind.LeakyReLU,
            Dropout = 0.1,
            Epochs = 60,
            BatchSize = 4,
            WeightDecay = 1e-4,
            GradientClipNorm = 1,
            ValidationFraction = 0,
            EarlyStoppingPatience = null,
            Seed = 3,
            Device = DeviceKind.Cpu,
        };
        options.Validate();
        var loop = new NeuralTrainingLoop(options, PredictionTask.Regression);
        var data = new PackedData(x, y, null, rows, features);
        TrainingResult? result = null;
        WithGarbageCollectionPressure(() => result = loop.Run(data, data, seed: 3));
        using var network = result!.Network;
        Assert.AreEqual(options.Epochs, result.History.Count);
    }

    private static void WithGarbageCollectionPressure(Action body)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Gen-0 collections are cheap, so they come often; the temporaries in question are all in gen 0.
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            body();
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
