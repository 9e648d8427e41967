using System.Text.Json;

namespace MLExtensions.Tests.Boosting;

/// <summary>
/// GBNN against the authors' implementation (TestData/Golden/gbnn: three hand-made cases, gbnn_reference.json, and twelve random
/// ones, gbnn_reference_fuzz.json; provenance in its README).
/// </summary>
[TestClass]
public sealed class GbnnReferenceTests
{
    private static readonly Lazy<JsonElement[]> All = new(() => new[] { "gbnn_reference.json", "gbnn_reference_fuzz.json" }
        .SelectMany(file => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Golden", "gbnn", file)))
            .RootElement.GetProperty("cases").EnumerateArray())
        .ToArray());

    /// <summary>A case's name: its <c>name</c>, or (the hand-made cases) its task.</summary>
    private static string Name(JsonElement c) => (c.TryGetProperty("name", out var name) ? name : c.GetProperty("task")).GetString()!;

    public static IEnumerable<object[]> Tasks => All.Value.Select(c => new object[] { Name(c) });

    [TestMethod]
    public void Golden_HoldsThreeHandMadeAndTwelveRandomCases() => Assert.AreEqual(15, Tasks.Count());

    private static JsonElement Case(string name) => All.Value.Single(c => Name(c) == name);

    private static ActivationKind Activation(JsonElement c) =>
        (c.TryGetProperty("activation", out var a) ? a.GetString() : "logistic") switch
        {
            "logistic" => ActivationKind.Sigmoid,
            "tanh" => ActivationKind.Tanh,
            "relu" => ActivationKind.ReLU,
            var other => throw new AssertFailedException($"No activation for the reference's '{other}'."),
        };

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static PredictionTask Task(string task) => task switch
    {
        "regression" => PredictionTask.Regression,
        "binary" => PredictionTask.BinaryClassification,
        _ => PredictionTask.MulticlassClassification,
    };

    /// <summary>Labels as our boosting uses them: values, ±1, or 0-based class indices (the reference's sorted classes).</summary>
    private static double[] Labels(JsonElement c, PredictionTask task)
    {
        var y = Vector(c.GetProperty("y"));
        return task == PredictionTask.BinaryClassification ? y.Select(v => 2 * v - 1).ToArray() : y;
    }

    private static void AreClose(double expected, double actual, double tolerance, string what) =>
        Assert.AreEqual(expected, actual, tolerance * Math.Max(1, Math.Abs(expected)), what);

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void Boosting_AroundTheReferenceStepNetworks_GivesTheReferenceStepLengthsAndLosses(string name)
    {
        var c = Case(name);
        var task = Task(c.GetProperty("task").GetString()!);
        var y = Labels(c, task);
        var initial = Vector(c.GetProperty("initial_score"));
        int k = initial.Length;
        double eta = c.GetProperty("eta").GetDouble();
        var ours = GbnnLoss.InitialScore(task, y, k);
        for (int j = 0; j < k; j++)
        {
            AreClose(initial[j], ours[j], 1e-12, $"{name} F0[{j}]");
        }

        var scores = Enumerable.Range(0, y.Length * k).Select(i => ours[i % k]).ToArray();
        var residuals = new double[scores.Length];
        var losses = Vector(c.GetProperty("losses"));
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        for (int t = 0; t < steps.Length; t++)
        {
            var h = Vector(steps[t].GetProperty("outputs"));
            GbnnLoss.Residuals(task, y, scores, k, residuals);
            double rho = eta * GbnnLoss.NewtonStep(task, y, scores, h, residuals, k);
            AreClose(steps[t].GetProperty("rho").GetDouble(), rho, 1e-9, $"{name} rho of step {t}");
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] += rho * h[i];
            }

            double loss = GbnnLoss.MeanLoss(task, y, scores, k) * (task == PredictionTask.MulticlassClassification ? y.Length : 1);
            AreClose(losses[t], loss, 1e-9, $"{name} loss after step {t}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void ModelFromTheReferenceSteps_PredictsTheReferenceScoresAndAssemblesTheReferenceNetwork(string name)
    {
        var c = Case(name);
        var task = Task(c.GetProperty("task").GetString()!);
        var x = c.GetProperty("X").EnumerateArray().Select(r => Vector(r).Select(v => (float)v).ToArray()).ToArray();
        var initial = Vector(c.GetProperty("initial_score"));
        int k = initial.Length;
        var steps = c.GetProperty("steps").EnumerateArray().Select(s => new BoostingStep(
            Vector(s.GetProperty("hidden_weights")), Vector(s.GetProperty("hidden_bias")), Vector(s.GetProperty("output_weights")),
            Vector(s.GetProperty("output_bias")), s.GetProperty("rho").GetDouble(), 0)).ToList();
        var model = new GradientBoostedNeuralNetworkModelParameters(task, x[0].Length, Activation(c), initial, steps, 0, null);

        // The reference's raw scores used float64 inputs; ours are the same values rounded to 6 decimals, exactly representable
        // closely enough in float32 for 1e-6.
        var expected = Vector(c.GetProperty("decision_function"));
        for (int i = 0; i < x.Length; i++)
        {
            var f = model.PredictRaw(x[i]);
            for (int j = 0; j < k; j++)
            {
                AreClose(expected[i * k + j], f[j], 1e-6, $"{name} F[{i},{j}]");
            }
        }

        var (architecture, weights) = model.ToNetwork();
        var assembled = c.GetProperty("assembled");
        Assert.AreEqual(steps.Count * c.GetProperty("units_per_step").GetInt32(), architecture.HiddenSizes.Single());
        foreach (var (ours, theirs) in new[]
        {
            ("hidden.0.linear.weight", "hidden_weights"), ("hidden.0.linear.bias", "hidden_bias"),
            ("output.weight", "output_weights"), ("output.bias", "output_bias"),
        })
        {
            var reference = Vector(assembled.GetProperty(theirs));
            var values = weights.Single(w => w.Name == ours).Values;
            Assert.HasCount(reference.Length, values, ours);
            for (int i = 0; i < reference.Length; i++)
            {
                AreClose(reference[i], values[i], 1e-6, $"{name} {ours}[{i}]");
            }
        }
    }
}
