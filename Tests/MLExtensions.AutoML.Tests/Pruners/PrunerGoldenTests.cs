using System.Text;
using System.Text.Json;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// Replays the events of TestData/Pruners/pruner_golden.json (made by make_pruner_golden.py with Optuna 3.1) through our
/// pruners: every prune/continue answer must be Optuna's.
/// </summary>
[TestClass]
public sealed class PrunerGoldenTests
{
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Pruners", "pruner_golden.json"))).RootElement;

    public static IEnumerable<object[]> Scenarios =>
        Golden.GetProperty("scenarios").EnumerateArray().Select(s => new object[] { s.GetProperty("name").GetString()! });

    [TestMethod]
    [DynamicData(nameof(Scenarios))]
    public void DecisionsMatchOptuna(string name)
    {
        var scenario = Golden.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        var pruner = Create(scenario.GetProperty("kind").GetString()!, scenario.GetProperty("options"));
        var history = new TrialHistory();
        int events = 0, prunes = 0;
        foreach (var e in scenario.GetProperty("events").EnumerateArray())
        {
            int trial = e.GetProperty("trial").GetInt32();
            if (!history.TrialIds.Contains(trial))
            {
                history.AddTrial(trial);
            }

            if (e.TryGetProperty("complete", out _))
            {
                history.SetState(trial, TrialState.Complete);
                continue;
            }

            int step = e.GetProperty("step").GetInt32();
            var v = e.GetProperty("value");
            double value = v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble();
            history.Report(trial, step, value);
            bool expected = e.GetProperty("prune").GetBoolean();
            bool actual = pruner.ShouldPrune(trial, step, value, history);
            Assert.AreEqual(expected, actual, $"{name}: trial {trial} step {step} value {value:R} (event {events})");
            if (actual)
            {
                history.SetState(trial, TrialState.Pruned);
                prunes++;
            }

            events++;
        }

        Assert.IsTrue(prunes > 0, "the scenario must prune something to be a test");
    }

    [TestMethod]
    public void HyperbandBracketsMatchOptuna()
    {
        var g = Golden.GetProperty("hyperbandBrackets");
        var o = g.GetProperty("options");
        var pruner = new HyperbandPruner(new HyperbandPruner.Options
        {
            MinResource = o.GetProperty("MinResource").GetInt32(),
            MaxResource = o.GetProperty("MaxResource").GetInt32(),
            ReductionFactor = o.GetProperty("ReductionFactor").GetInt32(),
            StudyName = g.GetProperty("studyName").GetString()!,
        });
        var history = new TrialHistory();
        history.AddTrial(0);
        history.Report(0, 1, 1.0);
        pruner.ShouldPrune(0, 1, 1.0, history);   // initializes the brackets, as in the script
        Assert.AreEqual(g.GetProperty("bracketCount").GetInt32(), pruner.BracketCount);
        CollectionAssert.AreEqual(g.GetProperty("budgets").EnumerateArray().Select(x => x.GetInt32()).ToArray(), pruner.BracketBudgets.ToArray());
        var expected = g.GetProperty("brackets").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        CollectionAssert.AreEqual(expected, Enumerable.Range(0, expected.Length).Select(pruner.GetBracket).ToArray());
        var crc = g.GetProperty("crc32").EnumerateArray().Select(x => x.GetUInt32()).ToArray();
        for (int n = 0; n < crc.Length; n++)
        {
            Assert.AreEqual(crc[n], Crc32.Compute(Encoding.UTF8.GetBytes($"hb81_{n}")));
        }
    }

    [TestMethod]
    public void Crc32MatchesTheStandardCheckValue() =>
        Assert.AreEqual(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    private static IPruner Create(string kind, JsonElement options)
    {
        int? Int(string key) => options.TryGetProperty(key, out var v) ? v.GetInt32() : null;
        double? Double(string key) => options.TryGetProperty(key, out var v) ? v.GetDouble() : null;
        return kind switch
        {
            "sha" => new SuccessiveHalvingPruner(new SuccessiveHalvingPruner.Options
            {
                MinResource = Int("MinResource"),
                ReductionFactor = Int("ReductionFactor") ?? 4,
                MinEarlyStoppingRate = Int("MinEarlyStoppingRate") ?? 0,
                BootstrapCount = Int("BootstrapCount") ?? 0,
            }),
            "median" => new MedianPruner(PercentileOptions()),
            "percentile" => new PercentilePruner(options.GetProperty("Percentile").GetDouble(), PercentileOptions()),
            "threshold" => new ThresholdPruner(new ThresholdPruner.Options
            {
                Lower = Double("Lower"),
                Upper = Double("Upper"),
                WarmupSteps = Int("WarmupSteps") ?? 0,
                IntervalSteps = Int("IntervalSteps") ?? 1,
            }),
            // The wrapped median pruner of the golden scenario starts pruning after 2 complete trials.
            "patient" => new PatientPruner(
                options.TryGetProperty("Wrapped", out var wrapped) ? new MedianPruner(new() { StartupTrials = 2 }) : null,
                Int("Patience")!.Value, Double("MinDelta") ?? 0),
            "hyperband" => new HyperbandPruner(new HyperbandPruner.Options
            {
                MinResource = Int("MinResource") ?? 1,
                MaxResource = Int("MaxResource"),
                ReductionFactor = Int("ReductionFactor") ?? 3,
                StudyName = options.GetProperty("StudyName").GetString()!,
            }),
            _ => throw new ArgumentException(kind),
        };

        MedianPruner.Options PercentileOptions() => new()
        {
            StartupTrials = Int("StartupTrials") ?? 5,
            WarmupSteps = Int("WarmupSteps") ?? 0,
            IntervalSteps = Int("IntervalSteps") ?? 1,
            MinTrials = Int("MinTrials") ?? 1,
        };
    }
}
