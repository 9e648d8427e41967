// GPU device check: does TorchSharp see CUDA, does Device = Auto pick it, do the three neural trainers train there, and do CUDA
// and CPU models agree in quality? With --fashion-mnist DIR it also times the -- fashion-mnist benchmark's protocol on CUDA.
// Prints one line per check and exits non-zero when a check failed.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLExtensions;
using TorchSharp;

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "PASS" : "FAIL")}: {what}");
    if (!ok) failures++;
}

// --cpu-only runs the trainer checks on the CPU alone: a dry run of this program on a machine without a GPU.
bool cpuOnly = args.Contains("--cpu-only");
string? fashionMnist = args.SkipWhile(a => a != "--fashion-mnist").Skip(1).FirstOrDefault();
var devices = cpuOnly ? new[] { DeviceKind.Cpu } : new[] { DeviceKind.Cuda, DeviceKind.Cpu };
if (!cpuOnly)
{
    try
    {
        torch.InitializeDeviceType(DeviceType.CUDA);
    }
    catch (Exception ex)
    {
        Console.WriteLine($"FAIL: CUDA backend did not initialize: {ex.Message.Split('\n')[0]}");
        Console.WriteLine(ex.InnerException?.ToString() ?? ex.ToString());
        return 2;
    }
    Check(torch.cuda.is_available(), $"torch.cuda.is_available() (devices: {torch.cuda.device_count()})");
    Check(DeviceSelector.Resolve(DeviceKind.Auto).type == DeviceType.CUDA, "DeviceKind.Auto resolves to CUDA");

    // Step-by-step smoke of the operations the training loop uses, so a crash points at one of them.
    void Step(string what, Action action)
    {
        Console.Out.Flush();
        Console.Write($"  {what} ... ");
        Console.Out.Flush();
        action();
        Console.WriteLine("ok");
    }
    var cuda = new torch.Device(DeviceType.CUDA, 0);
    Step("tensor on cuda", () => { using var t = torch.ones(4, 4, device: cuda); });
    Step("matmul on cuda", () => { using var a = torch.randn(64, 32, device: cuda); using var b = a.matmul(a.T); b.sum().item<float>(); });
    Step("randperm with a cuda generator", () => { var g = new torch.Generator(1, cuda); using var p = torch.randperm(100, generator: g, device: cuda); });
    Step("randperm with a cpu generator", () => { var g = new torch.Generator(1); using var p = torch.randperm(100, generator: g); });
    Step("MLP forward/backward + AdamW step on cuda", () =>
    {
        using var net = new MLExtensions.MlpNetwork(new MLExtensions.MlpArchitecture(8, [16], MLExtensions.ActivationKind.ReLU,
            MLExtensions.NormalizationKind.BatchNorm, 0.1, 1));
        net.to(cuda);
        using var optimizer = new AdamWSpec().Create(net.parameters());
        using var x = torch.randn(32, 8, device: cuda);
        using var loss = net.forward(x).square().mean();
        loss.backward();
        optimizer.step();
    });
}

var ml = new MLContext(1);
var random = new Random(1);
float[] Features() => Enumerable.Range(0, 20).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
float Signal(float[] x) => x[0] + x[1] * x[2] - 0.5f * x[3];
var trainX = Enumerable.Range(0, 20000).Select(_ => Features()).ToArray();
var testX = Enumerable.Range(0, 5000).Select(_ => Features()).ToArray();
IDataView Binary(float[][] xs) => ml.Data.LoadFromEnumerable(xs.Select(x => new BinaryRow { Features = x, Label = Signal(x) > 0 }).ToList());
IDataView Multiclass(float[][] xs) => ml.Data.LoadFromEnumerable(xs.Select(x => new KeyRow { Features = x, Label = (x[0] > 0 ? 1u : 0) + (x[1] * x[2] > 0 ? 2u : 0) }).ToList());
IDataView Regression(float[][] xs) => ml.Data.LoadFromEnumerable(xs.Select(x => new RegressionRow { Features = x, Label = Signal(x) }).ToList());

T Configure<T>(T options, DeviceKind device) where T : NeuralNetworkOptionsBase
{
    options.HiddenLayerSizes = [256, 128];
    options.Epochs = 10;
    options.BatchSize = 256;
    options.Seed = 1;
    options.Device = device;
    options.Dropout = 0.1;
    options.Normalization = MLExtensions.NormalizationKind.BatchNorm;
    options.Optimizer = new AdamWSpec(2e-3);
    options.GradientClipNorm = 5;
    return options;
}

double Median(IEnumerable<double> values) { var v = values.Order().ToArray(); return v[v.Length / 2]; }

// All three trainers on CUDA and on the CPU: each must train on the device it was given and reach the same quality on both.
var quality = new Dictionary<(string Task, DeviceKind Device), double>();
foreach (var device in devices)
{
    foreach (var task in new[] { "binary", "multiclass", "regression" })
    {
        var clock = Stopwatch.StartNew();
        NeuralNetworkModelParameters parameters;
        double metric;
        if (task == "binary")
        {
            using var model = ml.BinaryClassification.Trainers.NeuralNetwork(Configure(new NeuralNetworkBinaryTrainer.Options(), device)).Fit(Binary(trainX));
            parameters = model.Model;
            metric = ml.BinaryClassification.Evaluate(model.Transform(Binary(testX))).AreaUnderRocCurve;
        }
        else if (task == "multiclass")
        {
            using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(Configure(new NeuralNetworkMulticlassTrainer.Options(), device)).Fit(Multiclass(trainX));
            parameters = model.Model;
            metric = ml.MulticlassClassification.Evaluate(model.Transform(Multiclass(testX))).MicroAccuracy;
        }
        else
        {
            using var model = ml.Regression.Trainers.NeuralNetwork(Configure(new NeuralNetworkRegressionTrainer.Options(), device)).Fit(Regression(trainX));
            parameters = model.Model;
            metric = ml.Regression.Evaluate(model.Transform(Regression(testX))).RSquared;
        }
        clock.Stop();
        string name = task switch { "binary" => "test AUC", "multiclass" => "test accuracy", _ => "test R^2" };
        Console.WriteLine($"{device} {task}: trained on '{parameters.DeviceName}' in {clock.Elapsed.TotalSeconds:0.00} s, " +
                          $"median epoch {Median(parameters.History.Select(h => h.Seconds)):0.000} s, {name} {metric:0.0000}");
        Check(parameters.DeviceName == (device == DeviceKind.Cuda ? "cuda" : "cpu"), $"{device} {task}: model reports its device");
        Check(metric > (task == "multiclass" ? 0.9 : 0.95), $"{device} {task}: {name} {metric:0.0000} > {(task == "multiclass" ? 0.9 : 0.95)}");
        quality[(task, device)] = metric;
    }
}
foreach (var task in cpuOnly ? [] : new[] { "binary", "multiclass", "regression" })
{
    double gap = Math.Abs(quality[(task, DeviceKind.Cuda)] - quality[(task, DeviceKind.Cpu)]);
    Check(gap < 0.02, $"{task}: CUDA and CPU quality within 0.02 ({gap:0.0000})");
}

// Fashion-MNIST with the -- fashion-mnist benchmark's protocol, on CUDA; run-on-gpu.sh runs PyTorch on the same GPU beside it.
if (fashionMnist is not null)
{
    var fashionDevice = devices[0];
    var trainData = MLExtensions.Benchmarks.FashionMnist.FashionMnistData.Load(fashionMnist, train: true);
    var testData = MLExtensions.Benchmarks.FashionMnist.FashionMnistData.Load(fashionMnist, train: false);
    var options = new NeuralNetworkMulticlassTrainer.Options
    {
        HiddenLayerSizes = [256, 128], Activation = MLExtensions.ActivationKind.ReLU, Dropout = 0, BatchSize = 128, Epochs = 5,
        Optimizer = new AdamSpec(LearningRate: 1e-3), ValidationFraction = 0, EarlyStoppingPatience = null, Seed = 1,
        Device = fashionDevice,
    };
    var trainView = ml.Data.Cache(trainData.ToDataView(ml));
    var clock = Stopwatch.StartNew();
    using var model = ml.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(trainView);
    clock.Stop();
    double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(testData.ToDataView(ml))).MicroAccuracy;
    var epochs = model.Model.History.Select(h => h.Seconds).ToArray();
    Console.WriteLine($"fashion-mnist ours ({fashionDevice}): median epoch {Median(epochs):0.000} s, fit {clock.Elapsed.TotalSeconds:0.00} s, " +
                      $"test accuracy {accuracy:0.0000}, epochs: {string.Join(" ", epochs.Select(e => e.ToString("0.000")))}");
    Check(model.Model.DeviceName == (cpuOnly ? "cpu" : "cuda") && accuracy > 0.85, $"fashion-mnist on {fashionDevice}: test accuracy {accuracy:0.0000} > 0.85");
}
Console.WriteLine(failures == 0 ? "GPU check passed." : $"GPU check: {failures} failure(s).");
return failures == 0 ? 0 : 1;

sealed class BinaryRow
{
    [VectorType(20)] public float[] Features { get; set; } = [];
    public bool Label { get; set; }
}

sealed class KeyRow
{
    [VectorType(20)] public float[] Features { get; set; } = [];
    [KeyType(4)] public uint Label { get; set; }
}

sealed class RegressionRow
{
    [VectorType(20)] public float[] Features { get; set; } = [];
    public float Label { get; set; }
}
