using static TorchSharp.torch;

namespace MLExtensions.Tests.Networks;

[TestClass]
public sealed class MlpRowEvaluatorTests
{
    public static IEnumerable<object[]> Shapes =>
        from activation in Enum.GetValues<ActivationKind>()
        from normalization in Enum.GetValues<NormalizationKind>()
        select new object[] { activation, normalization };

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void Evaluate_TrainedStatistics_MatchesTorchSharpForwardInEvalMode(ActivationKind activation, NormalizationKind normalization)
    {
        var architecture = new MlpArchitecture(7, [9, 5], activation, normalization, 0.2, 3);
        using var network = new MlpNetwork(architecture, new Generator(5));
        var random = new Random(3);
        var rows = Enumerable.Range(0, 16).Select(_ => Enumerable.Range(0, 7).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        using (var scope = NewDisposeScope())
        {
            // A few training-mode passes give batch norm non-trivial running statistics.
            network.train();
            using var noGrad = no_grad();
            for (int i = 0; i < 3; i++)
            {
                network.forward(tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, 7 }) * (i + 1));
            }
        }

        network.eval();
        var evaluator = new MlpRowEvaluator(architecture, network.GetWeights());
        foreach (var row in rows)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var expected = network.forward(tensor(row, new long[] { 1, 7 })).data<float>().ToArray();
            var actual = new float[3];
            evaluator.Evaluate(row, actual);
            for (int k = 0; k < 3; k++)
            {
                Assert.AreEqual(expected[k], actual[k], 1e-5 * Math.Max(1, Math.Abs(expected[k])), $"{activation}/{normalization} output {k}");
            }
        }
    }

    [TestMethod]
    [DataRow(-3.0)]
    [DataRow(-0.5)]
    [DataRow(0.0)]
    [DataRow(0.1)]
    [DataRow(1.0)]
    [DataRow(2.5)]
    public void Erf_KnownValues_WithinApproximationError(double x)
    {
        // erf via its Maclaurin series, summed to convergence (accurate for |x| <= 3).
        double term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }

        double expected = 2 / Math.Sqrt(Math.PI) * sum;
        Assert.AreEqual(expected, MlpRowEvaluator.Erf(x), 2e-7);
    }

    [TestMethod]
    public void Constructor_MissingWeight_ThrowsNamingIt()
    {
        var architecture = new MlpArchitecture(2, [3], ActivationKind.ReLU, NormalizationKind.None, 0, 1);
        using var network = new MlpNetwork(architecture);
        var weights = network.GetWeights().Where(w => w.Name != "output.bias").ToList();
        var error = Assert.ThrowsExactly<ArgumentException>(() => new MlpRowEvaluator(architecture, weights));
        StringAssert.Contains(error.Message, "output.bias");
    }
}
