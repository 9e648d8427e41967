namespace MLExtensions.Tests.Build;

/// <summary>
/// The folders of Extensions/MLExtensions form layers (Extensions/MLExtensions/README.md, "Layers"): a folder uses only folders of
/// lower layers, so there is no dependency cycle (issue #9, layering). The source tree is read from the repository this test was
/// built from.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    /// <summary>The layers, lowest first. A folder may use the folders of the layers below its own, never its own layer's others.</summary>
    private static readonly string[][] Layers =
    [
        ["buildTransitive"],
        ["Native", "Core"],
        ["Optimizers"],
        ["Schedules"],
        ["Networks"],
        ["Attacks"],
        ["BatchSize"],
        ["Training"],
        ["Onnx"],
        ["Trainers"],
        ["Boosting"],
        ["Robustness"],
        [FolderDependencyGraph.RootFolder],
    ];

    private static readonly Lazy<FolderDependencyGraph> Graph = new(() => FolderDependencyGraph.Scan(LibraryRoot()));

    [TestMethod]
    public void Scan_FindsTheLibrarysFilesAndKnownDependencies()
    {
        var graph = Graph.Value;

        // Guards the scanner itself: an empty or blind scan would pass the tests below.
        Assert.IsGreaterThan(100, graph.FileCount);
        CollectionAssert.Contains(graph.Edges["Trainers"]["Training"].ToList(), "NeuralNetworkTrainerBase.cs: NeuralTrainingLoop");
        CollectionAssert.Contains(graph.Edges[FolderDependencyGraph.RootFolder]["Boosting"].ToList(),
            "BinaryClassificationCatalogExtensions.cs: GradientBoostedNeuralNetworkBinaryTrainer");
        // Nested types (Options, Defaults) and doc comments do not count: Optimizers names no trainer folder.
        Assert.IsFalse(graph.Edges["Optimizers"].ContainsKey("Trainers"), string.Join(", ", graph.Edges["Optimizers"].Keys));
    }

    [TestMethod]
    public void Folders_HaveNoDependencyCycle()
    {
        var cycles = Graph.Value.Cycles();

        Assert.IsEmpty(cycles, "Dependency cycles between the folders of Extensions/MLExtensions:\n" +
            string.Join("\n", cycles.Select(Describe)));
    }

    [TestMethod]
    public void Folders_UseOnlyLowerLayers()
    {
        var graph = Graph.Value;
        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(p => p.f, p => p.layer);
        var unknown = graph.Folders.Where(f => !layerOf.ContainsKey(f)).ToList();
        Assert.IsEmpty(unknown, $"Folders without a layer: {string.Join(", ", unknown)}. Add each to the table in LayeringTests and to the " +
            "layers in Extensions/MLExtensions/README.md.");

        var upward = (from folder in graph.Folders
                      from use in graph.Edges[folder]
                      where layerOf[use.Key] >= layerOf[folder]
                      select $"{folder} -> {use.Key} ({string.Join(", ", use.Value.Take(5))})").ToList();

        Assert.IsEmpty(upward, "Uses of a folder that is not in a lower layer:\n" + string.Join("\n", upward));
    }

    private static string Describe((IReadOnlyList<string> Folders, IReadOnlyList<string> Path, IReadOnlyList<(string A, string B)> Mutual) cycle) =>
        $"among {string.Join(", ", cycle.Folders)}: " +
        string.Join(" -> ", cycle.Path) + " (" + string.Join("; ", cycle.Path.Zip(cycle.Path.Skip(1), Evidence)) + ")" +
        (cycle.Mutual.Count == 0 ? "" : "; using each other directly: " +
            string.Join("; ", cycle.Mutual.Select(m => $"{Evidence(m.A, m.B)} and {Evidence(m.B, m.A)}")));

    private static string Evidence(string from, string to) => $"{from} -> {to}: {string.Join(", ", Graph.Value.Edges[from][to].Take(3))}";

    /// <summary>Extensions/MLExtensions of the repository above the test's output folder.</summary>
    private static string LibraryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLExtensions.sln")))
                return Path.Combine(dir.FullName, "Extensions", "MLExtensions");
        }

        throw new DirectoryNotFoundException($"No MLExtensions.sln above {AppContext.BaseDirectory}: the layering tests read the source tree.");
    }
}
