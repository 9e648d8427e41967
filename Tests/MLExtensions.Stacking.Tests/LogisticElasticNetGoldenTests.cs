using System.Text.Json;

namespace MLExtensions.Stacking.Tests;

/// <summary>
/// The logistic meta-models against scikit-learn 1.2.1 (TestData/golden/sklearn_logistic.json and the random problems of
/// sklearn_logistic_fuzz.json; provenance in the README there).
/// </summary>
[TestClass]
public sealed class LogisticElasticNetGoldenTests
{
    private const double Tolerance = 1e-6;

    private static readonly Lazy<JsonElement[]> All = new(() => new[] { "sklearn_logistic.json", "sklearn_logistic_fuzz.json" }
        .SelectMany(file => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", file)))
            .RootElement.GetProperty("cases").EnumerateArray())
        .ToArray());

    public static IEnumerable<object[]> Fits =>
        Cases().SelectMany(c => c.GetProperty("fits").EnumerateArray().Select((_, i) => new object[] { c.GetProperty("name").GetString()!, i }));

    public static IEnumerable<object[]> CaseNames => Cases().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [TestMethod]
    [DynamicData(nameof(Fits))]
    public void Fit_GoldenProblem_MatchesScikitLearnLogisticRegression(string caseName, int fitIndex)
    {
        var c = Case(caseName);
        var fit = c.GetProperty("fits")[fitIndex];
        var x = Golden.X(c);
        var y = Golden.Y(c);
        double alpha = fit.GetProperty("alpha").GetDouble(), ratio = fit.GetProperty("l1_ratio").GetDouble();
        var w = new double[x[0].Length];
        double b = 0;

        LogisticElasticNet.Fit(x, y, alpha, ratio, w, ref b, maxSteps: 200);

        string what = $"{caseName} alpha={alpha} l1_ratio={ratio}";
        Golden.AreClose(fit.GetProperty("intercept").GetDouble(), b, Tolerance, what + " intercept");
        var expected = Golden.Vector(fit.GetProperty("coef"));
        for (int j = 0; j < expected.Length; j++)
        {
            Golden.AreClose(expected[j], w[j], Tolerance, $"{what} coef[{j}]");
        }
    }

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void CrossValidatedSearch_GoldenProblem_ChoosesScikitLearnPairPathAndCoefficients(string caseName)
    {
        var c = Case(caseName);
        var cv = c.GetProperty("cv");
        var x = Golden.X(c);
        var y = Golden.Y(c);
        int folds = cv.GetProperty("folds").GetInt32();
        var alphas = Golden.Vector(cv.GetProperty("alphas"));
        var ratios = Golden.Vector(cv.GetProperty("l1_ratios"));

        var result = LogisticElasticNetCV.Fit(x, y, Enumerable.Range(0, y.Length).ToArray(), Golden.ContiguousFolds(y.Length, folds), folds, alphas, ratios);

        var path = cv.GetProperty("loss_path").EnumerateArray().Select(Golden.Vector).ToArray();
        for (int r = 0; r < ratios.Length; r++)
        {
            for (int a = 0; a < alphas.Length; a++)
            {
                Golden.AreClose(path[r][a], result.LossPath[r][a], Tolerance, $"{caseName} loss_path[{r},{a}]");
            }
        }

        Assert.AreEqual(cv.GetProperty("alpha").GetDouble(), result.Alpha, 1e-15, caseName + " alpha");
        Assert.AreEqual(cv.GetProperty("l1_ratio").GetDouble(), result.L1Ratio, 1e-15, caseName + " l1_ratio");
        Golden.AreClose(cv.GetProperty("intercept").GetDouble(), result.Model.Intercept, Tolerance, caseName + " intercept");
        var expected = Golden.Vector(cv.GetProperty("coef"));
        for (int j = 0; j < expected.Length; j++)
        {
            Golden.AreClose(expected[j], result.Model.Coefficients[j], Tolerance, $"{caseName} coef[{j}]");
        }
    }

    private static IEnumerable<JsonElement> Cases() => All.Value;

    private static JsonElement Case(string name) => Cases().Single(c => c.GetProperty("name").GetString() == name);
}
