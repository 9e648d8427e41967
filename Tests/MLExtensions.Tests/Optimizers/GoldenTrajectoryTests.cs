using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Optimizers;

[TestClass]
public sealed class GoldenTrajectoryTests
{
    public static IEnumerable<object[]> AllGoldens =>
        GoldenFile.Index().Select(e => new object[] { e.File, e.Atol, e.Rtol });

    public static IEnumerable<object[]> AutogradGoldens =>
        GoldenFile.Index().Where(e => e.Problem != "fixed-gradients").Select(e => new object[] { e.File, e.Atol, e.Rtol });

    [TestMethod, DynamicData(nameof(AllGoldens))]
    public void Step_ReplayedGradients_MatchesReferenceTrajectory(string file, double atol, double rtol)
    {
        var golden = GoldenFile.Load(file);
        Assert.AreEqual(atol, golden.Atol);
        Assert.AreEqual(rtol, golden.Rtol);
        using var scope = NewDisposeScope();
        var parameters = CreateParameters(golden);
        using var optimizer = GoldenOptimizers.Create(golden, parameters);
        for (int t = 0; t < golden.Steps; t++)
        {
            using var stepScope = NewDisposeScope();
            for (int i = 0; i < parameters.Count; i++)
                parameters[i].grad = tensor(golden.Gradients[t][i], golden.Shapes[i], dtype: float64);
            optimizer.step();
            AfterStep(golden, optimizer, t);
            AssertClose(golden, parameters, t);
        }
    }

    [TestMethod, DynamicData(nameof(AutogradGoldens))]
    public void Step_AutogradGradients_MatchesReferenceTrajectoryAndLoss(string file, double atol, double rtol)
    {
        var golden = GoldenFile.Load(file);
        Assert.AreEqual(golden.Atol, atol);
        Assert.AreEqual(golden.Rtol, rtol);
        using var scope = NewDisposeScope();
        var parameters = CreateParameters(golden);
        using var optimizer = GoldenOptimizers.Create(golden, parameters);
        for (int t = 0; t < golden.Steps; t++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(golden, parameters);
            AssertWithin(golden.Loss![t], loss.item<double>(), golden, $"loss[{t}]");
            loss.backward();
            optimizer.step();
            AfterStep(golden, optimizer, t);
            AssertClose(golden, parameters, t);
        }
    }

    private static List<Parameter> CreateParameters(GoldenFile golden) =>
        golden.InitialParams
            .Select((values, i) => new Parameter(tensor(values, golden.Shapes[i], dtype: float64)))
            .ToList();

    private static void AfterStep(GoldenFile golden, optim.Optimizer optimizer, int t)
    {
        // Events use 1-based step numbers: "after_step": k means right after the k-th step.
        if (golden.RestartAfterSteps.Contains(t + 1))
            ((Adan)optimizer).Restart();
    }

    private static Tensor Data(GoldenFile golden, string name)
    {
        var (shape, data) = golden.ProblemData[name];
        return tensor(data, shape, dtype: float64);
    }

    private static Tensor Loss(GoldenFile golden, IReadOnlyList<Parameter> ps)
    {
        switch (golden.Problem)
        {
            case "rosenbrock-2d":
            {
                var x = ps[0][0];
                var y = ps[0][1];
                return (1 - x).pow(2) + 100 * (y - x.pow(2)).pow(2);
            }
            case "least-squares":
            {
                var pred = Data(golden, "X").matmul(ps[0]);
                if (ps.Count > 1)
                    pred = pred + ps[1];
                return (pred - Data(golden, "Y")).pow(2).mean();
            }
            case "scale-invariant":
            {
                var w = ps[0];
                var wn = w / linalg.norm(w, dims: [1], keepdim: true);
                var pn = ps[2] / ps[2].norm();
                var fit = (Data(golden, "X").matmul(wn.t()) + ps[1] - Data(golden, "Y")).pow(2).mean();
                return fit + (pn - Data(golden, "T")).pow(2).mean();
            }
            default:
                throw new AssertFailedException($"No loss for problem {golden.Problem}.");
        }
    }

    private static void AssertClose(GoldenFile golden, IReadOnlyList<Parameter> parameters, int t)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var actual = parameters[i].detach().cpu().data<double>().ToArray();
            var expected = golden.Trajectory[t][i];
            Assert.AreEqual(expected.Length, actual.Length);
            for (int k = 0; k < actual.Length; k++)
                AssertWithin(expected[k], actual[k], golden, $"step {t + 1}, {golden.Names[i]}[{k}]");
        }
    }

    private static void AssertWithin(double expected, double actual, GoldenFile golden, string where)
    {
        double diff = Math.Abs(actual - expected);
        if (!(diff <= golden.Atol + golden.Rtol * Math.Abs(expected)))
            Assert.Fail($"{golden.Optimizer}/{golden.Setting}/{golden.Problem} {where}: expected {expected:R}, got {actual:R} (|diff| {diff:E3}).");
    }
}
