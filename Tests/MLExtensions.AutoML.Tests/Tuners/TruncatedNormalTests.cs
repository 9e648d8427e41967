namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>The truncated normal against scipy values (printed by scipy.special/scipy.stats 1.10).</summary>
[TestClass]
public sealed class TruncatedNormalTests
{
    [TestMethod]
    public void ErfcMatchesScipy()
    {
        (double X, double Erfc)[] cases = [(0.1, 0.8875370839817152), (1.0, 0.15729920705028516), (2.5, 0.00040695201744495886), (6.0, 2.1519736712498913e-17), (-1.5, 1.9661051464753108)];
        foreach (var (x, expected) in cases)
        {
            Assert.AreEqual(expected, TruncatedNormal.Erfc(x), 1e-14 * expected, $"erfc({x})");
        }
    }

    [TestMethod]
    public void LogCdfAndMassAreAccurateInTheTails()
    {
        Assert.AreEqual(-454.32124395634327, TruncatedNormal.LogCdf(-30), 1e-10);
        Assert.AreEqual(-1.9957982691807552, TruncatedNormal.LogMass(1, 2), 1e-13);
        Assert.AreEqual(TruncatedNormal.LogMass(1, 2), TruncatedNormal.LogMass(-2, -1), 1e-13);
        // scipy.stats.truncnorm.logpdf(0.9, -2/3, 8/3, loc=0.2, scale=0.3)
        Assert.AreEqual(-2.1410395830099427, TruncatedNormal.LogPdf(0.9, 0.2, 0.3, 0, 1), 1e-12);
    }

    [TestMethod]
    public void QuantileInvertsTheTruncatedCdf()
    {
        Assert.AreEqual(-0.5244005127080409, TruncatedNormal.StandardQuantile(0.3, -30, 30), 1e-9);
        foreach (double u in new[] { 0.0, 0.01, 0.3, 0.5, 0.9, 1.0 })
        {
            double z = TruncatedNormal.StandardQuantile(u, 1.5, 4);
            Assert.IsTrue(z >= 1.5 && z <= 4);
            double fraction = (TruncatedNormal.Cdf(z) - TruncatedNormal.Cdf(1.5)) / (TruncatedNormal.Cdf(4) - TruncatedNormal.Cdf(1.5));
            Assert.AreEqual(u, fraction, 1e-9, $"u = {u}");
        }

        // Deep tail: both bounds far out, still inside.
        double t = TruncatedNormal.StandardQuantile(0.5, 40, 41);
        Assert.IsTrue(t > 40 && t < 40.1, t.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
