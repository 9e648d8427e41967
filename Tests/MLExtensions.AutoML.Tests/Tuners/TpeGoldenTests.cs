using System.Text.Json;

namespace MLExtensions.AutoML.Tests.Tuners;

/// <summary>
/// Our Parzen estimator and split against Optuna 3.1's own internals (TestData/tpe_golden.json, made by
/// TestData/make_tpe_golden.py). Optuna works in the value domain (log of log-scaled ranges); we map to [0, 1] with the
/// affine map of the search space, so centres and widths scale by 1/(high − low); Optuna 3.1's kernel log-density uses only
/// standardized values (it omits −log σ), so the log-densities are equal.
/// </summary>
[TestClass]
public sealed class TpeGoldenTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "tpe_golden.json"))).RootElement;

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [TestMethod]
    public void GammaAndWeightsMatchOptuna()
    {
        foreach (JsonProperty g in Golden.GetProperty("gamma").EnumerateObject())
        {
            Assert.AreEqual(g.Value.GetInt32(), TpeOptions.DefaultGamma(int.Parse(g.Name, System.Globalization.CultureInfo.InvariantCulture)), $"gamma({g.Name})");
        }

        foreach (JsonProperty w in Golden.GetProperty("weights").EnumerateObject())
        {
            double[] expected = Doubles(w.Value);
            double[] actual = TpeOptions.DefaultWeights(int.Parse(w.Name, System.Globalization.CultureInfo.InvariantCulture));
            Assert.AreEqual(expected.Length, actual.Length, $"weights({w.Name}) length");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-15, $"weights({w.Name})[{i}]");
            }
        }
    }

    [TestMethod]
    public void NumericMixturesLogDensitiesAndChoiceMatchOptuna()
    {
        var options = new TpeOptions();
        foreach (JsonElement c in Golden.GetProperty("numeric").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            bool log = c.GetProperty("log").GetBoolean();
            double lo = c.GetProperty("low").GetDouble(), hi = c.GetProperty("high").GetDouble();
            double tLow = log ? Math.Log(lo) : lo, tHigh = log ? Math.Log(hi) : hi, range = tHigh - tLow;
            double ToUnit(double v) => ((log ? Math.Log(v) : v) - tLow) / range;
            var l = ParzenEstimator.Numeric(Doubles(c.GetProperty("below")).Select(ToUnit).ToArray(), 0, 1, options);
            var g = ParzenEstimator.Numeric(Doubles(c.GetProperty("above")).Select(ToUnit).ToArray(), 0, 1, options);
            AssertMixture(name + " l", c.GetProperty("l"), l, tLow, range);
            AssertMixture(name + " g", c.GetProperty("g"), g, tLow, range);

            double[] candidates = Doubles(c.GetProperty("candidates")).Select(ToUnit).ToArray();
            double[] logL = Doubles(c.GetProperty("log_l")), logG = Doubles(c.GetProperty("log_g"));
            for (int i = 0; i < candidates.Length; i++)
            {
                Assert.AreEqual(logL[i], l.LogPdf(candidates[i]), 1e-9, $"{name} log l({i})");
                Assert.AreEqual(logG[i], g.LogPdf(candidates[i]), 1e-9, $"{name} log g({i})");
            }

            double chosen = TpeTuner.ChooseCandidate(l, g, candidates);
            Assert.AreEqual(c.GetProperty("chosen_index").GetInt32(), Array.IndexOf(candidates, chosen), $"{name} chosen candidate");
        }
    }

    [TestMethod]
    public void CategoricalMixturesMatchOptuna()
    {
        var options = new TpeOptions();
        foreach (JsonElement c in Golden.GetProperty("categorical").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            int k = c.GetProperty("k").GetInt32();
            var l = ParzenEstimator.Categorical(c.GetProperty("below").EnumerateArray().Select(v => v.GetInt32()).ToArray(), k, options);
            var g = ParzenEstimator.Categorical(c.GetProperty("above").EnumerateArray().Select(v => v.GetInt32()).ToArray(), k, options);
            AssertClose(Doubles(c.GetProperty("l_weights")), l.Weights, 1e-15, name + " l weights");
            AssertClose(Doubles(c.GetProperty("g_weights")), g.Weights, 1e-15, name + " g weights");
            double[][] lTable = c.GetProperty("l_table").EnumerateArray().Select(Doubles).ToArray();
            for (int i = 0; i < lTable.Length; i++)
            {
                AssertClose(lTable[i], l.CategoricalWeights![i], 1e-15, $"{name} l table row {i}");
            }

            double[] logL = Doubles(c.GetProperty("log_l")), logG = Doubles(c.GetProperty("log_g"));
            for (int j = 0; j < k; j++)
            {
                Assert.AreEqual(logL[j], l.LogPdf(j), 1e-12, $"{name} log l({j})");
                Assert.AreEqual(logG[j], g.LogPdf(j), 1e-12, $"{name} log g({j})");
            }
        }
    }

    [TestMethod]
    public void SplitOfCompleteAndPrunedTrialsMatchesOptuna() => AssertSplits("split");

    [TestMethod]
    public void SplitWithRunningTrialsMatchesOptunasConstantLiar() => AssertSplits("split_constant_liar");

    private static void AssertSplits(string key)
    {
        foreach (JsonElement c in Golden.GetProperty(key).EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var history = new List<TrialObservation>();
            var running = new List<TrialObservation>();
            int id = 0;
            foreach (JsonElement t in c.GetProperty("trials").EnumerateArray())
            {
                var state = t.GetProperty("state").GetString() switch
                {
                    "COMPLETE" => TrialState.Complete,
                    "PRUNED" => TrialState.Pruned,
                    "RUNNING" => TrialState.Running,
                    var other => throw new AssertFailedException($"{name}: unexpected state {other}"),
                };
                double value = state == TrialState.Complete ? t.GetProperty("value").GetDouble() : double.NaN;
                var inter = t.GetProperty("intermediate").EnumerateArray().Select(s => (s[0].GetInt32(), s[1].GetDouble())).ToList();
                (state == TrialState.Running ? running : history).Add(new TrialObservation(id++, [0.5], state, value, value, 1, inter));
            }

            TpeSplit split = TpeSplit.Compute(history, TpeOptions.DefaultGamma, running);
            if (c.TryGetProperty("n", out var n))
                Assert.AreEqual(n.GetInt32(), split.Count, name + " n");
            CollectionAssert.AreEqual(c.GetProperty("below").EnumerateArray().Select(v => v.GetInt32()).ToArray(), split.Below.Select(o => o.TrialId).ToArray(), name + " below");
            CollectionAssert.AreEqual(c.GetProperty("above").EnumerateArray().Select(v => v.GetInt32()).ToArray(), split.Above.Select(o => o.TrialId).ToArray(), name + " above");
        }
    }

    private static void AssertMixture(string name, JsonElement expected, ParzenEstimator actual, double low, double range)
    {
        AssertClose(Doubles(expected.GetProperty("weights")), actual.Weights, 1e-15, name + " weights");
        AssertClose(Doubles(expected.GetProperty("mus")).Select(m => (m - low) / range).ToArray(), actual.Mus!, 1e-12, name + " mus");
        AssertClose(Doubles(expected.GetProperty("sigmas")).Select(s => s / range).ToArray(), actual.Sigmas!, 1e-12, name + " sigmas");
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what + " length");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], tolerance, $"{what}[{i}]");
        }
    }
}
