using System.Text.RegularExpressions;

namespace MLExtensions.Tests.Build;

/// <summary>
/// Every C# block of README.md and of the packages' PACKAGE.md files stands verbatim (up to indentation) in a sample that CI
/// compiles and runs, so the documentation cannot drift from the API (issue #9). A block in Samples/ReadmeSnippets also proves
/// that the usings it shows are enough: its file has exactly those (or, for a block without usings, at most
/// <c>using Microsoft.ML; using MLExtensions;</c>, with <c>MLExtensions.AutoML</c> for AutoML blocks).
/// </summary>
[TestClass]
public sealed partial class ReadmeSnippetTests
{
    private static readonly string[] DefaultUsings = ["Microsoft.ML", "MLExtensions", "MLExtensions.AutoML"];

    private static readonly Lazy<string> Root = new(RepositoryRoot);

    public static IEnumerable<object[]> Documents =>
        new[] { "README.md", "Extensions/MLExtensions/PACKAGE.md", "Extensions/MLExtensions.Runtime/PACKAGE.md",
                "Extensions/MLExtensions.Plotting/PACKAGE.md", "Stacking/PACKAGE.md", "AutoMLIntegration/PACKAGE.md" }
            .Select(d => new object[] { d });

    [TestMethod]
    public void EveryPackageReadme_IsListed()
    {
        var found = Directory.EnumerateFiles(Root.Value, "PACKAGE.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root.Value, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(p => p is "bin" or "obj" or "artifacts" || p.StartsWith('.')))
            .Order(StringComparer.Ordinal).ToList();

        CollectionAssert.IsSubsetOf(found, Documents.Select(d => (string)d[0]).ToList(), "a PACKAGE.md whose code blocks this test does not check");
    }

    [TestMethod]
    [DynamicData(nameof(Documents))]
    public void CodeBlocks_StandVerbatimInACompiledSample(string document)
    {
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(Root.Value, document))).ToList();
        Assert.IsNotEmpty(blocks, $"{document} has no C# block");
        var sources = Directory.EnumerateFiles(Path.Combine(Root.Value, "Samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Root.Value, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path: Path.GetRelativePath(Root.Value, f).Replace('\\', '/'), Lines: File.ReadAllLines(f)))
            .ToList();

        var problems = new List<string>();
        foreach (var (line, usings, body) in blocks)
        {
            var home = sources.FirstOrDefault(s => s.Path.StartsWith("Samples/ReadmeSnippets/", StringComparison.Ordinal) && Contains(s.Lines, body));
            if (home.Path is null) home = sources.FirstOrDefault(s => Contains(s.Lines, body));
            if (home.Path is null)
            {
                problems.Add($"{document}:{line}: the block is in no sample (put it verbatim in Samples/ReadmeSnippets)");
                continue;
            }

            if (!home.Path.StartsWith("Samples/ReadmeSnippets/", StringComparison.Ordinal)) continue;
            var fileUsings = home.Lines.Select(l => UsingDirective().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
            bool enough = usings.Count > 0 ? fileUsings.SetEquals(usings) : fileUsings.IsSubsetOf(DefaultUsings);
            if (!enough)
                problems.Add($"{document}:{line}: {home.Path} has the usings {string.Join(", ", fileUsings.Order())}; the block shows " +
                    (usings.Count > 0 ? string.Join(", ", usings) : "none (so at most Microsoft.ML, MLExtensions, MLExtensions.AutoML)"));
        }

        Assert.IsEmpty(problems, string.Join("\n", problems));
    }

    [TestMethod]
    public void Contains_NeedsEveryLineInOrderAtOneIndentation()
    {
        string[] file = ["class C", "{", "    var a = 1;", "", "    var b = 2;", "}"];

        Assert.IsTrue(Contains(file, ["var a = 1;", "", "var b = 2;"]));
        Assert.IsFalse(Contains(file, ["var a = 1;", "var b = 2;"]), "a missing blank line");
        Assert.IsFalse(Contains(file, ["var a = 1;", "", "var b = 3;"]), "a changed line");
        Assert.IsFalse(Contains(["    var a = 1;", "      var b = 2;"], ["var a = 1;", "var b = 2;"]), "another indentation");
    }

    /// <summary>Each ```csharp block: its line in the document, the namespaces of its leading usings, and the rest of its lines.</summary>
    private static IEnumerable<(int Line, IReadOnlyList<string> Usings, IReadOnlyList<string> Body)> CSharpBlocks(string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            int start = i + 1, end = start;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            var usings = new List<string>();
            int first = start;
            for (; first < end; first++)
            {
                var m = UsingDirective().Match(lines[first]);
                if (m.Success) usings.Add(m.Groups[1].Value);
                else if (lines[first].Trim().Length > 0) break;
            }

            yield return (start, usings, lines[first..end]);
            i = end;
        }
    }

    /// <summary>Whether <paramref name="body"/> stands in <paramref name="file"/> line for line, each line after the same indentation.</summary>
    private static bool Contains(IReadOnlyList<string> file, IReadOnlyList<string> body)
    {
        if (body.Count == 0) return true;
        for (int i = 0; i + body.Count <= file.Count; i++)
        {
            string line = file[i];
            if (!line.EndsWith(body[0], StringComparison.Ordinal)) continue;
            string indent = line[..^body[0].Length];
            if (indent.Trim().Length > 0) continue;
            bool all = true;
            for (int k = 1; k < body.Count && all; k++)
            {
                all = body[k].Length == 0 ? file[i + k].Trim().Length == 0 : file[i + k] == indent + body[k];
            }

            if (all) return true;
        }

        return false;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLExtensions.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException($"No MLExtensions.sln above {AppContext.BaseDirectory}: the README tests read the source tree.");
    }

    [GeneratedRegex(@"^\s*using\s+([\w.]+)\s*;\s*$")]
    private static partial Regex UsingDirective();
}
