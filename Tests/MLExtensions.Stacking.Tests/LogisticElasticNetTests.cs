
namespace MLExtensions.Stacking.Tests;

[TestClass]
public sealed class LogisticElasticNetTests
{
    [TestMethod]
    [DataRow(1e-3, 0.0)]
    [DataRow(1e-2, 1.0)]
    [DataRow(3e-3, 0.5)]
    public void Fit_RandomProblem_SatisfiesOptimalityConditions(double alpha, double l1Ratio)
    {
        var random = new Random(51);
        int n = 400, p = 5;
        var rows = Enumerable.Range(0, n).Select(_ => Synthetic.Normal(random, p)).ToArray();
        var y = rows.Select(r => 1.5 * r[0] - r[1] + 0.5 * r[2] + 0.8 * Synthetic.Normal(random, 1)[0] > 0 ? 1.0 : 0.0).ToArray();
        var w = new double[p];
        double b = 0;

        LogisticElasticNet.Fit(rows, y, alpha, l1Ratio, w, ref b, maxSteps: 200);

        // KKT: sum(p - y) = 0; for w_j != 0: g_j + l2 w_j + l1 sign(w_j) = 0; for w_j = 0: |g_j| <= l1, with g = X^T (p - y).
        double l1 = alpha * l1Ratio * n, l2 = alpha * (1 - l1Ratio) * n;
        var g = new double[p];
        double g0 = 0;
        for (int i = 0; i < n; i++)
        {
            double eta = b + rows[i].Select((v, j) => v * w[j]).Sum();
            double residual = 1 / (1 + Math.Exp(-eta)) - y[i];
            g0 += residual;
            for (int j = 0; j < p; j++)
            {
                g[j] += residual * rows[i][j];
            }
        }

        Assert.AreEqual(0.0, g0, 1e-6);
        for (int j = 0; j < p; j++)
        {
            if (w[j] != 0)
            {
                Assert.AreEqual(0.0, g[j] + l2 * w[j] + l1 * Math.Sign(w[j]), 1e-5, $"w[{j}]");
            }
            else
            {
                Assert.IsLessThanOrEqualTo(l1 + 1e-6, Math.Abs(g[j]), $"w[{j}] = 0");
            }
        }

        Assert.IsGreaterThan(0.0, w[0]);
        Assert.IsLessThan(0.0, w[1]);
    }
}
