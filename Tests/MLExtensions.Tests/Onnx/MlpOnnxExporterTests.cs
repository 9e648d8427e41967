using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Onnx;

[TestClass]
public sealed class MlpOnnxExporterTests
{
    private const float Tolerance = 1e-5f;

    [TestMethod]
    public void OnnxRuntime_NativeLibrary_Loads()
    {
        // The native libonnxruntime.so must load on this OS (Debian 12 lacked a libstdc++ version for TorchSharp).
        string version = OrtEnv.Instance().GetVersionString();
        Assert.IsFalse(string.IsNullOrEmpty(version));
    }

    public static IEnumerable<object[]> Architectures()
    {
        foreach (var activation in Enum.GetValues<ActivationKind>())
        {
            foreach (var norm in Enum.GetValues<NormalizationKind>())
                yield return [activation, norm];
        }
    }

    [TestMethod, DynamicData(nameof(Architectures))]
    public void Export_Regression_MatchesTorchSharpForward(ActivationKind activation, NormalizationKind normalization)
    {
        var arch = new MlpArchitecture(6, [8, 5], activation, normalization, 0.2, 1);
        var weights = TrainedWeights(arch, 3);
        var (x, torchOut) = RunTorch(arch, weights, seed: 3, rows: 9);
        var outputs = RunOnnx(MlpOnnxExporter.Export(arch, weights, PredictionTask.Regression), x, 6);
        var score = outputs[OnnxOutputNames.Score];
        CollectionAssert.AreEqual(new[] { 9 }, score.Dimensions.ToArray());
        AssertClose(torchOut, score.ToArray());
    }

    [TestMethod]
    public void Export_RowsWithNonFiniteFeatures_ScoredAsMissingOthersUnchanged()
    {
        // Tanh units saturate, so without the graph's own check an infinite feature would give a finite, confident score.
        var arch = new MlpArchitecture(4, [5], ActivationKind.Tanh, NormalizationKind.None, 0.0, 3);
        var weights = TrainedWeights(arch, 8);
        var (x, logits) = RunTorch(arch, weights, seed: 8, rows: 6);
        x[1 * 4 + 0] = float.NaN;
        x[3 * 4 + 2] = float.PositiveInfinity;
        x[4 * 4 + 3] = float.NegativeInfinity;
        int[] bad = [1, 3, 4];
        var outputs = RunOnnx(MlpOnnxExporter.Export(arch, weights, PredictionTask.MulticlassClassification, classNames: ["a", "b", "c"]), x, 4);
        var score = outputs[OnnxOutputNames.Score].ToArray();
        var index = outputs.Index!.ToArray();
        var names = outputs.ClassNames!.ToArray();
        for (int r = 0; r < 6; r++)
        {
            if (bad.Contains(r))
            {
                Assert.IsTrue(score.Skip(3 * r).Take(3).All(float.IsNaN), $"row {r}: score");
                Assert.AreEqual(-1L, index[r], $"row {r}: index");
                Assert.AreEqual("", names[r], $"row {r}: class name");
            }
            else
            {
                var row = logits.Skip(3 * r).Take(3).ToArray();
                int best = Array.IndexOf(row, row.Max());
                Assert.AreEqual(best, index[r], $"row {r}: index");
                Assert.AreEqual(new[] { "a", "b", "c" }[best], names[r], $"row {r}: class name");
            }
        }

        var binaryArch = arch with { OutputSize = 1 };
        var binaryWeights = TrainedWeights(binaryArch, 9);
        var binary = RunOnnx(MlpOnnxExporter.Export(binaryArch, binaryWeights, PredictionTask.BinaryClassification), x, 4);
        var labels = ((DenseTensor<bool>)binary.Labels!).ToArray();
        foreach (int r in bad)
        {
            Assert.IsTrue(float.IsNaN(binary[OnnxOutputNames.Score][r]), $"binary row {r}: score");
            Assert.IsTrue(float.IsNaN(binary[OnnxOutputNames.Probability][r]), $"binary row {r}: probability");
            Assert.IsFalse(labels[r], $"binary row {r}: label");
        }
        Assert.IsTrue(float.IsFinite(binary[OnnxOutputNames.Score][0]));
    }

    [TestMethod]
    public void Export_BinaryClassification_ScoreProbabilityLabelMatchTorchSharp()
    {
        var arch = new MlpArchitecture(4, [7], ActivationKind.GELU, NormalizationKind.BatchNorm, 0.0, 1);
        var weights = TrainedWeights(arch, 5);
        var (x, logits) = RunTorch(arch, weights, seed: 5, rows: 12);
        var outputs = RunOnnx(MlpOnnxExporter.Export(arch, weights, PredictionTask.BinaryClassification), x, 4);
        var score = outputs[OnnxOutputNames.Score].ToArray();
        var probability = outputs[OnnxOutputNames.Probability].ToArray();
        var label = ((DenseTensor<bool>)outputs.Labels!).ToArray();
        AssertClose(logits, score);
        AssertClose(logits.Select(l => (float)(1 / (1 + Math.Exp(-l)))).ToArray(), probability);
        CollectionAssert.AreEqual(probability.Select(p => p > 0.5f).ToArray(), label);
    }

    [TestMethod]
    public void Export_Multiclass_SoftmaxAndClassNamesMatchTorchSharp()
    {
        var arch = new MlpArchitecture(5, [6, 6], ActivationKind.SiLU, NormalizationKind.LayerNorm, 0.1, 3);
        var weights = TrainedWeights(arch, 7);
        var (x, logits) = RunTorch(arch, weights, seed: 7, rows: 10);
        string[] names = ["cat", "dog", "bird"];
        var outputs = RunOnnx(MlpOnnxExporter.Export(arch, weights, PredictionTask.MulticlassClassification, classNames: names), x, 5);
        var score = outputs[OnnxOutputNames.Score];
        CollectionAssert.AreEqual(new[] { 10, 3 }, score.Dimensions.ToArray());
        using (NewDisposeScope())
        {
            var expected = tensor(logits, [10, 3]).softmax(1).data<float>().ToArray();
            AssertClose(expected, score.ToArray());
        }
        var index = outputs.Index!.ToArray();
        var label = outputs.ClassNames!.ToArray();
        for (int r = 0; r < 10; r++)
        {
            var row = logits.Skip(r * 3).Take(3).ToArray();
            int argmax = Array.IndexOf(row, row.Max());
            Assert.AreEqual(argmax, (int)index[r]);
            Assert.AreEqual(names[argmax], label[r]);
        }
    }

    [TestMethod]
    public void Export_WrongWeightShape_ThrowsNamingWeight()
    {
        var arch = new MlpArchitecture(3, [4], ActivationKind.ReLU, NormalizationKind.None, 0, 1);
        var weights = TrainedWeights(arch, 1).Select(w => w.Name == "hidden.0.linear.weight" ? new NamedTensorData(w.Name, [4, 2], new float[8]) : w).ToList();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => MlpOnnxExporter.Export(arch, weights, PredictionTask.Regression));
        StringAssert.Contains(ex.Message, "hidden.0.linear.weight");
        StringAssert.Contains(ex.Message, "[4, 3]");
    }

    [TestMethod]
    public void Export_MissingWeight_ThrowsNamingWeight()
    {
        var arch = new MlpArchitecture(3, [4], ActivationKind.ReLU, NormalizationKind.BatchNorm, 0, 1);
        var weights = TrainedWeights(arch, 1).Where(w => w.Name != "hidden.0.norm.running_var").ToList();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => MlpOnnxExporter.Export(arch, weights, PredictionTask.Regression));
        StringAssert.Contains(ex.Message, "hidden.0.norm.running_var");
    }

    [TestMethod]
    public void Export_MulticlassWithWrongClassCount_Throws()
    {
        var arch = new MlpArchitecture(3, [], ActivationKind.ReLU, NormalizationKind.None, 0, 3);
        var ex = Assert.ThrowsExactly<ArgumentException>(() =>
            MlpOnnxExporter.Export(arch, TrainedWeights(arch, 1), PredictionTask.MulticlassClassification, classNames: ["a", "b"]));
        Assert.AreEqual("classNames", ex.ParamName);
    }

    [TestMethod]
    public void Export_BinaryWithTwoOutputs_Throws()
    {
        var arch = new MlpArchitecture(3, [2], ActivationKind.ReLU, NormalizationKind.None, 0, 2);
        Assert.ThrowsExactly<ArgumentException>(() => MlpOnnxExporter.Export(arch, TrainedWeights(arch, 1), PredictionTask.BinaryClassification));
    }

    /// <summary>Weights of a network whose batch-norm statistics have moved away from their defaults (seeded, dropout included).</summary>
    internal static IReadOnlyList<NamedTensorData> TrainedWeights(MlpArchitecture arch, int seed)
    {
        using var scope = NewDisposeScope();
        using var dropout = new Generator((ulong)seed + 300);
        using var net = new MlpNetwork(arch, new Generator((ulong)seed)) { DropoutGenerator = dropout };
        net.train();
        using (no_grad()) net.forward(randn([32, arch.InputSize], generator: new Generator((ulong)seed + 100)) * 2 + 0.5);
        net.eval();
        return net.GetWeights();
    }

    /// <summary>Random inputs and the eval-mode TorchSharp outputs of the network with <see cref="TrainedWeights"/>.</summary>
    internal static (float[] X, float[] Output) RunTorch(MlpArchitecture arch, IReadOnlyList<NamedTensorData> weights, int seed, int rows)
    {
        using var scope = NewDisposeScope();
        using var net = new MlpNetwork(arch, new Generator((ulong)seed + 1));
        net.SetWeights(weights);
        net.eval();
        var x = randn([rows, arch.InputSize], generator: new Generator((ulong)seed + 200)) * 1.5;
        using var noGrad = no_grad();
        return (x.data<float>().ToArray(), net.forward(x).data<float>().ToArray());
    }

    internal sealed class OnnxOutputs : Dictionary<string, DenseTensor<float>>
    {
        public Tensor<bool>? Labels { get; set; }
        public DenseTensor<long>? Index { get; set; }
        public DenseTensor<string>? ClassNames { get; set; }
    }

    internal static OnnxOutputs RunOnnx(byte[] model, float[] x, int features)
    {
        using var session = new InferenceSession(model);
        var input = new DenseTensor<float>(x, [x.Length / features, features]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(MlpOnnxExporter.DefaultInputName, input)]);
        var outputs = new OnnxOutputs();
        foreach (var r in results)
        {
            switch (r.Value)
            {
                case Tensor<float> f: outputs[r.Name] = new DenseTensor<float>(f.ToArray(), f.Dimensions.ToArray()); break;
                case Tensor<bool> b: outputs.Labels = new DenseTensor<bool>(b.ToArray(), b.Dimensions.ToArray()); break;
                case Tensor<long> l: outputs.Index = new DenseTensor<long>(l.ToArray(), l.Dimensions.ToArray()); break;
                case Tensor<string> s: outputs.ClassNames = new DenseTensor<string>(s.ToArray(), s.Dimensions.ToArray()); break;
            }
        }
        return outputs;
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance = Tolerance)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], tolerance, $"element {i}");
    }
}
