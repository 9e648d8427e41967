using System.Text.Json;

namespace MLExtensions.Tests.Optimizers;

/// <summary>One golden optimizer trajectory (schema in TestData/Golden/optimizers/README.md).</summary>
internal sealed class GoldenFile
{
    /// <summary>The folders of golden trajectories: the hand-picked settings, and the random draws of make_fuzz_golden.py.</summary>
    public static readonly string[] Folders = ["optimizers", "optimizers-fuzz"];

    private static string Root => Path.Combine(AppContext.BaseDirectory, "TestData", "Golden");

    private GoldenFile(JsonElement root)
    {
        Optimizer = root.GetProperty("optimizer").GetString()!;
        Setting = root.GetProperty("setting").GetString()!;
        Problem = root.GetProperty("problem").GetString()!;
        Hyperparameters = root.GetProperty("hyperparameters").Clone();
        NewtonSchulzDtype = root.TryGetProperty("newton_schulz_dtype", out var ns) ? ns.GetString() : null;
        Steps = root.GetProperty("steps").GetInt32();
        Names = root.GetProperty("params").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray();
        Shapes = root.GetProperty("params").EnumerateArray()
            .Select(p => p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToArray();
        InitialParams = ReadArrays(root.GetProperty("initial_params"));
        Gradients = root.GetProperty("gradients").EnumerateArray().Select(ReadArrays).ToArray();
        Trajectory = root.GetProperty("trajectory").EnumerateArray().Select(ReadArrays).ToArray();
        Loss = root.TryGetProperty("loss", out var loss) ? loss.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
        RestartAfterSteps = root.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("after_step").GetInt32()).ToArray();
        var tol = root.GetProperty("tolerance");
        Atol = tol.GetProperty("atol").GetDouble();
        Rtol = tol.GetProperty("rtol").GetDouble();
        ProblemData = root.TryGetProperty("problem_data", out var data)
            ? data.EnumerateObject().ToDictionary(
                p => p.Name,
                p => (p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                      p.Value.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray()))
            : new Dictionary<string, (long[], double[])>();
    }

    public string Optimizer { get; }
    public string Setting { get; }
    public string Problem { get; }
    public JsonElement Hyperparameters { get; }
    public string? NewtonSchulzDtype { get; }
    public int Steps { get; }
    public string[] Names { get; }
    public long[][] Shapes { get; }
    public double[][] InitialParams { get; }
    public double[][][] Gradients { get; }
    public double[][][] Trajectory { get; }
    public double[]? Loss { get; }
    public int[] RestartAfterSteps { get; }
    public double Atol { get; }
    public double Rtol { get; }
    public IReadOnlyDictionary<string, (long[] Shape, double[] Data)> ProblemData { get; }

    /// <summary>Loads a file by its path under TestData/Golden, as <see cref="Index"/> gives it.</summary>
    public static GoldenFile Load(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, file)));
        return new GoldenFile(doc.RootElement);
    }

    /// <summary>The index entries of every folder: path under TestData/Golden, problem, atol, rtol.</summary>
    public static IEnumerable<(string File, string Problem, double Atol, double Rtol)> Index()
    {
        foreach (var folder in Folders)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, folder, "index.json")));
            foreach (var e in doc.RootElement.GetProperty("files").EnumerateArray())
            {
                var tol = e.GetProperty("tolerance");
                yield return (folder + "/" + e.GetProperty("file").GetString()!, e.GetProperty("problem").GetString()!,
                    tol.GetProperty("atol").GetDouble(), tol.GetProperty("rtol").GetDouble());
            }
        }
    }

    private static double[][] ReadArrays(JsonElement e) =>
        e.EnumerateArray().Select(a => a.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    public double Hp(string name) => Hyperparameters.GetProperty(name).GetDouble();
    public bool HpBool(string name) => Hyperparameters.GetProperty(name).GetBoolean();
    public double Beta(int i) => Hyperparameters.GetProperty("betas")[i].GetDouble();
}
