using System.Text.Json;

namespace MLExtensions.Stacking.Tests;

/// <summary>
/// Loads the cases of TestData/golden/sklearn_linear.json (three hand-made problems) and sklearn_linear_fuzz.json (random ones):
/// scikit-learn 1.2.1 reference solutions; provenance in TestData/golden/README.md.
/// </summary>
internal static class Golden
{
    private static readonly Lazy<JsonElement[]> Cases = new(() => new[] { "sklearn_linear.json", "sklearn_linear_fuzz.json" }
        .SelectMany(file => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "golden", file)))
            .RootElement.GetProperty("cases").EnumerateArray())
        .ToArray());

    public static JsonElement Case(string name) => Cases.Value.Single(c => c.GetProperty("name").GetString() == name);

    public static double[][] X(JsonElement c) => c.GetProperty("X").EnumerateArray().Select(Vector).ToArray();

    public static double[] Y(JsonElement c) => Vector(c.GetProperty("y"));

    public static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static IEnumerable<string> CaseNames => Cases.Value.Select(c => c.GetProperty("name").GetString()!);

    /// <summary>KFold(5, shuffle=False): fold i is contiguous block i (the first n % 5 folds get one extra row).</summary>
    public static int[] ContiguousFolds(int n, int k)
    {
        var folds = new int[n];
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = n / k + (f < n % k ? 1 : 0);
            for (int r = start; r < start + size; r++)
            {
                folds[r] = f;
            }

            start += size;
        }

        return folds;
    }

    /// <summary>Asserts |a - e| &lt;= tol * max(1, |e|) (absolute, or relative for large values).</summary>
    public static void AreClose(double expected, double actual, double tolerance, string what)
    {
        double scale = Math.Max(1.0, Math.Abs(expected));
        Assert.IsTrue(Math.Abs(expected - actual) <= tolerance * scale, $"{what}: expected {expected:R}, got {actual:R} (diff {Math.Abs(expected - actual):E2}).");
    }
}
