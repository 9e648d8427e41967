// GPU device check: does TorchSharp see CUDA, does Device = Auto pick it, do the trainers train there, and do CUDA and CPU
// models agree in quality? Prints one line per check and exits non-zero on the first failure.
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

try
{
    torch.InitializeDeviceType(DeviceType.CUDA);
}
catch (Exception ex)
{
    Console.WriteLine($"FAIL: CUDA backend did not initialize: {ex.Message.Split('\n')[0]}");
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

var ml = new MLContext(1);
var random = new Random(1);
Row MakeRow()
{
    var x = Enumerable.Range(0, 20).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    return new Row { Features = x, Label = x[0] + x[1] * x[2] - 0.5f * x[3] > 0 };
}
var train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20000).Select(_ => MakeRow()).ToList());
var test = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5000).Select(_ => MakeRow()).ToList());
foreach (var device in new[] { DeviceKind.Cuda, DeviceKind.Cpu })
{
    var options = new NeuralNetworkBinaryTrainer.Options
    {
        HiddenLayerSizes = [256, 128], Epochs = 10, BatchSize = 256, Seed = 1, Device = device, Dropout = 0.1,
        Normalization = MLExtensions.NormalizationKind.BatchNorm, Optimizer = new AdamWSpec(2e-3), GradientClipNorm = 5,
    };
    var clock = Stopwatch.StartNew();
    using var model = ml.BinaryClassification.Trainers.NeuralNetwork(options).Fit(train);
    clock.Stop();
    var auc = ml.BinaryClassification.Evaluate(model.Transform(test)).AreaUnderRocCurve;
    Console.WriteLine($"{device}: trained on '{model.Model.DeviceName}' in {clock.Elapsed.TotalSeconds:0.00} s, " +
                      $"median epoch {model.Model.History.Select(h => h.Seconds).Order().ElementAt(model.Model.History.Count / 2):0.000} s, test AUC {auc:0.0000}");
    Check(model.Model.DeviceName == (device == DeviceKind.Cuda ? "cuda" : "cpu"), $"{device}: model reports its device");
    Check(auc > 0.95, $"{device}: test AUC {auc:0.0000} > 0.95");
}
Console.WriteLine(failures == 0 ? "GPU check passed." : $"GPU check: {failures} failure(s).");
return failures == 0 ? 0 : 1;

sealed class Row
{
    [VectorType(20)] public float[] Features { get; set; } = [];
    public bool Label { get; set; }
}
