
namespace MLExtensions.Tests.Boosting;

/// <summary>The pieces of GBNN against finite differences and known optima (ALGORITHMS.md §A.4).</summary>
[TestClass]
public sealed class GbnnMathTests
{
    private static (double[] Y, double[] F, int K) Problem(PredictionTask task, int n, int seed)
    {
        var random = new Random(seed);
        int k = task == PredictionTask.MulticlassClassification ? 3 : 1;
        var y = Enumerable.Range(0, n).Select(_ => task switch
        {
            PredictionTask.Regression => random.NextDouble() * 4 - 2,
            PredictionTask.BinaryClassification => random.Next(2) * 2 - 1.0,
            _ => random.Next(k),
        }).ToArray();
        var f = Enumerable.Range(0, n * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        return (y, f, k);
    }

    public static IEnumerable<object[]> Tasks => Enum.GetValues<PredictionTask>().Select(t => new object[] { t });

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Residuals_AreTheNegativeGradientOfTheTotalLoss(PredictionTask task)
    {
        var (y, f, k) = Problem(task, 7, 1);
        var r = new double[f.Length];
        GbnnLoss.Residuals(task, y, f, k, r);
        // Regression's reported loss is the mean squared error; its gradient is −2(y − F)/n, so the residual is half of −n·dMSE.
        double factor = task == PredictionTask.Regression ? 0.5 : 1;
        for (int i = 0; i < f.Length; i++)
        {
            double h = 1e-6, saved = f[i];
            f[i] = saved + h;
            double up = GbnnLoss.MeanLoss(task, y, f, k);
            f[i] = saved - h;
            double down = GbnnLoss.MeanLoss(task, y, f, k);
            f[i] = saved;
            double gradient = (up - down) / (2 * h) * y.Length;
            Assert.AreEqual(-factor * gradient, r[i], 1e-6, $"{task} residual {i}");
        }
    }

    [TestMethod]
    public void NewtonStep_Binary_IsMinusFirstOverSecondDerivativeAlongTheStep()
    {
        var (y, f, k) = Problem(PredictionTask.BinaryClassification, 9, 2);
        var h = Enumerable.Range(0, 9).Select(i => Math.Sin(i + 1.0)).ToArray();
        var r = new double[f.Length];
        GbnnLoss.Residuals(PredictionTask.BinaryClassification, y, f, k, r);
        double Loss(double rho) => GbnnLoss.MeanLoss(PredictionTask.BinaryClassification, y, f.Select((v, i) => v + rho * h[i]).ToArray(), k);
        double e = 1e-4;
        double first = (Loss(e) - Loss(-e)) / (2 * e), second = (Loss(e) - 2 * Loss(0) + Loss(-e)) / (e * e);
        Assert.AreEqual(-first / second, GbnnLoss.NewtonStep(PredictionTask.BinaryClassification, y, f, h, r, k), 1e-5);
    }

    [TestMethod]
    public void NewtonStep_Multiclass_UsesTheGradientAndTheDiagonalHessian()
    {
        var (y, f, k) = Problem(PredictionTask.MulticlassClassification, 6, 4);
        var h = Enumerable.Range(0, f.Length).Select(i => Math.Cos(i + 0.5)).ToArray();
        var r = new double[f.Length];
        GbnnLoss.Residuals(PredictionTask.MulticlassClassification, y, f, k, r);
        double rho = GbnnLoss.NewtonStep(PredictionTask.MulticlassClassification, y, f, h, r, k);
        // Numerator: minus the directional derivative of the total loss. Denominator: Σ h² p(1 − p), the diagonal of the Hessian.
        double e = 1e-6;
        double Loss(double step) => GbnnLoss.MeanLoss(PredictionTask.MulticlassClassification, y, f.Select((v, i) => v + step * h[i]).ToArray(), k) * y.Length;
        double numerator = -(Loss(e) - Loss(-e)) / (2 * e);
        double denominator = 0;
        for (int i = 0; i < y.Length; i++)
        {
            var row = f.Skip(i * k).Take(k).ToArray();
            double sum = row.Sum(Math.Exp);
            for (int c = 0; c < k; c++)
            {
                double p = Math.Exp(row[c]) / sum;
                denominator += h[i * k + c] * h[i * k + c] * p * (1 - p);
            }
        }

        Assert.AreEqual(numerator / denominator, rho, 1e-6);
    }

    [TestMethod]
    public void InitialScore_Binary_IsHalfTheLogOddsAndRegressionTheMean()
    {
        double[] y = [1, 1, 1, -1];
        Assert.AreEqual(0.5 * Math.Log(3), GbnnLoss.InitialScore(PredictionTask.BinaryClassification, y, 1)[0], 1e-12);
        Assert.AreEqual(0.5, GbnnLoss.InitialScore(PredictionTask.Regression, y, 1)[0], 1e-12);
        CollectionAssert.AreEqual(new double[3], GbnnLoss.InitialScore(PredictionTask.MulticlassClassification, [0, 1, 2], 3));
    }

    [TestMethod]
    [DataRow(ActivationKind.Sigmoid)]
    [DataRow(ActivationKind.Tanh)]
    [DataRow(ActivationKind.ReLU)]
    public void ShallowMlp_ObjectiveGradient_MatchesFiniteDifferences(ActivationKind activation)
    {
        var random = new Random(5);
        int rows = 11, inputs = 3, units = 2, outputs = 2;
        var x = Enumerable.Range(0, rows * inputs).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var targets = Enumerable.Range(0, rows * outputs).Select(_ => random.NextDouble()).ToArray();
        var mlp = new ShallowMlp(inputs, units, outputs, activation, random);
        var theta = mlp.Parameters.ToArray();
        var gradient = new double[theta.Length];
        mlp.Objective(x, targets, rows, 0.3, theta, gradient);
        var scratch = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++)
        {
            double h = 1e-6, saved = theta[i];
            theta[i] = saved + h;
            double up = mlp.Objective(x, targets, rows, 0.3, theta, scratch);
            theta[i] = saved - h;
            double down = mlp.Objective(x, targets, rows, 0.3, theta, scratch);
            theta[i] = saved;
            Assert.AreEqual((up - down) / (2 * h), gradient[i], 1e-7, $"{activation} parameter {i}");
        }
    }

    [TestMethod]
    public void Lbfgs_Rosenbrock_ReachesTheMinimum()
    {
        double[] x = [-1.2, 1];
        Lbfgs.Minimize((p, g) =>
        {
            g[0] = -2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]);
            g[1] = 200 * (p[1] - p[0] * p[0]);
            return (1 - p[0]) * (1 - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]);
        }, x, maxIterations: 500);
        Assert.AreEqual(1, x[0], 1e-4);
        Assert.AreEqual(1, x[1], 1e-4);
    }
}
