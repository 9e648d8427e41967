namespace MLExtensions.Benchmarks;

/// <summary>Argument parsing and small statistics shared by the benchmark cases.</summary>
internal static class BenchmarkSupport
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or <c>null</c>.</summary>
    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The folder holding MLExtensions.sln above the running binary (or the current folder).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MLExtensions.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    /// <summary>The default location of a shared dataset: <c>../shared/data/NAME</c> next to the repository.</summary>
    public static string SharedData(string name) => Path.Combine(RepositoryRoot(), "..", "shared", "data", name);

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
