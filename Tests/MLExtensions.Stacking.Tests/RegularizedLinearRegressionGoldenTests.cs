using System.Globalization;
using System.Text.Json;

namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class RegularizedLinearRegressionGoldenTests
{
    private const double Tolerance = 1e-6;

    // The reference solutions are converged far below scikit-learn's default tol=1e-4 (at that tol our iterates stop within
    // ~3e-5 of them), so the golden comparison runs the same algorithm to a tight duality gap.
    private const double SolverTolerance = 1e-12;
    private const int MaxIterations = 1_000_000;

    public static IEnumerable<object[]> Fits =>
        Golden.CaseNames.SelectMany(name => Golden.Case(name).GetProperty("fits").EnumerateArray().SelectMany((_, i) => new[]
        {
            new object[] { name, i, ElasticNetSolver.CoordinateDescent },
            new object[] { name, i, ElasticNetSolver.ActiveSet },
        }));

    public static IEnumerable<object[]> Cases => Golden.CaseNames.Select(n => new object[] { n });

    public static IEnumerable<object[]> CasesAndSolvers => Golden.CaseNames.SelectMany(n => new[]
    {
        new object[] { n, ElasticNetSolver.CoordinateDescent },
        new object[] { n, ElasticNetSolver.ActiveSet },
    });

    [TestMethod]
    [DynamicData(nameof(Fits))]
    public void Fit_GoldenProblem_MatchesScikitLearn(string caseName, int fitIndex, ElasticNetSolver solver)
    {
        var c = Golden.Case(caseName);
        var fit = c.GetProperty("fits")[fitIndex];
        var x = Golden.X(c);
        var y = Golden.Y(c);
        double alpha = fit.GetProperty("alpha").GetDouble();
        var model = fit.GetProperty("model").GetString() switch
        {
            "Ridge" => RegularizedLinearRegression.Ridge(x, y, alpha),
            "Lasso" => RegularizedLinearRegression.Lasso(x, y, alpha, MaxIterations, SolverTolerance, solver),
            "ElasticNet" => RegularizedLinearRegression.ElasticNet(x, y, alpha, fit.GetProperty("params").GetProperty("l1_ratio").GetDouble(), MaxIterations, SolverTolerance, solver),
            var other => throw new AssertFailedException($"Unknown model {other}"),
        };
        AssertModel(fit, model, $"{caseName} {fit.GetProperty("model").GetString()} alpha={alpha} {solver}");
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void RidgeCV_GoldenProblem_ChoosesScikitLearnAlphaAndCoefficients(string caseName)
    {
        var (c, x, y, folds, alphas) = Load(caseName);
        var expected = c.GetProperty("cv").GetProperty("ridge");
        // The random cases search Ridge over its own grid (the Lasso grid times n, for Ridge's sum-of-squares objective).
        if (c.GetProperty("cv").TryGetProperty("ridge_alphas", out var ridgeAlphas))
            alphas = Golden.Vector(ridgeAlphas);
        var result = RegularizedLinearRegression.RidgeCV(x, y, alphas, folds, RidgeCvScoring.MeanSquaredError); // the reference RidgeCV scored folds by MSE
        Assert.AreEqual(expected.GetProperty("alpha").GetDouble(), result.Alpha, 1e-12, "alpha " + string.Join(", ", result.MeanScores[0].Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        AssertModel(expected, result.Model, caseName + " RidgeCV");
    }

    [TestMethod]
    [DynamicData(nameof(CasesAndSolvers))]
    public void LassoCV_GoldenProblem_MatchesScikitLearnPathAlphaAndCoefficients(string caseName, ElasticNetSolver solver)
    {
        var (c, x, y, folds, alphas) = Load(caseName);
        var expected = c.GetProperty("cv").GetProperty("lasso");
        var result = RegularizedLinearRegression.LassoCV(x, y, alphas, folds, MaxIterations, SolverTolerance, solver);
        Assert.AreEqual(expected.GetProperty("alpha").GetDouble(), result.Alpha, 1e-12, "alpha");
        AssertModel(expected, result.Model, caseName + " LassoCV");
        var path = expected.GetProperty("mse_path").EnumerateArray().Select(Golden.Vector).ToArray();
        for (int a = 0; a < path.Length; a++)
        {
            for (int f = 0; f < path[a].Length; f++)
            {
                Golden.AreClose(path[a][f], result.FoldMsePath![0][a, f], Tolerance, $"{caseName} mse_path[{a},{f}]");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(CasesAndSolvers))]
    public void ElasticNetCV_GoldenProblem_ChoosesScikitLearnAlphaRatioAndCoefficients(string caseName, ElasticNetSolver solver)
    {
        var (c, x, y, folds, alphas) = Load(caseName);
        var expected = c.GetProperty("cv").GetProperty("elasticnet");
        var result = RegularizedLinearRegression.ElasticNetCV(x, y, alphas, [0.1, 0.5, 0.9], folds, MaxIterations, SolverTolerance, solver);
        Assert.AreEqual(expected.GetProperty("alpha").GetDouble(), result.Alpha, 1e-12, "alpha");
        Assert.AreEqual(expected.GetProperty("l1_ratio").GetDouble(), result.L1Ratio, 1e-12, "l1_ratio");
        AssertModel(expected, result.Model, caseName + " ElasticNetCV");
    }

    [TestMethod]
    [DataRow(-1.0)]
    [DataRow(double.NaN)]
    public void Ridge_InvalidAlpha_ThrowsNamingAlpha(double alpha)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RegularizedLinearRegression.Ridge([[1.0], [2.0]], [1.0, 2.0], alpha));
        Assert.AreEqual("alpha", ex.ParamName);
    }

    [TestMethod]
    [DataRow(-0.1)]
    [DataRow(1.5)]
    public void ElasticNet_InvalidL1Ratio_ThrowsNamingL1Ratio(double ratio)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RegularizedLinearRegression.ElasticNet([[1.0], [2.0]], [1.0, 2.0], 0.1, ratio));
        Assert.AreEqual("l1Ratio", ex.ParamName);
    }

    private static (JsonElement Case, double[][] X, double[] Y, int[] Folds, double[] Alphas) Load(string caseName)
    {
        var c = Golden.Case(caseName);
        var x = Golden.X(c);
        return (c, x, Golden.Y(c), Golden.ContiguousFolds(x.Length, 5), Golden.Vector(c.GetProperty("cv").GetProperty("alphas")));
    }

    private static void AssertModel(JsonElement expected, LinearModel model, string what)
    {
        var coef = Golden.Vector(expected.GetProperty("coef"));
        Assert.HasCount(coef.Length, model.Coefficients);
        for (int j = 0; j < coef.Length; j++)
        {
            Golden.AreClose(coef[j], model.Coefficients[j], Tolerance, $"{what} coef[{j}]");
        }

        Golden.AreClose(expected.GetProperty("intercept").GetDouble(), model.Intercept, Tolerance, what + " intercept");
    }
}
