using System.Text;
using System.Text.RegularExpressions;

namespace MLExtensions.Tests.Build;

/// <summary>
/// Which folders of a source tree use which: a folder uses another when one of its files names a top-level type declared in the
/// other (a token scan of the code with comments and string contents blanked; interpolation holes are kept). Nested types are
/// not counted (their short names, such as <c>Options</c>, repeat across folders), nor are XML-doc references (documentation may
/// point anywhere). Files directly in the root form the folder <see cref="RootFolder"/>.
/// </summary>
internal sealed partial class FolderDependencyGraph
{
    /// <summary>The name of the folder of the files directly in the scanned root.</summary>
    public const string RootFolder = "(root)";

    private FolderDependencyGraph(int fileCount, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> edges)
    {
        FileCount = fileCount;
        Edges = edges;
    }

    /// <summary>How many source files were read.</summary>
    public int FileCount { get; }

    /// <summary>For each folder, the folders it uses, each with the evidence: "File.cs: TypeName", sorted.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Edges { get; }

    /// <summary>The folders, sorted.</summary>
    public IEnumerable<string> Folders => Edges.Keys.Order(StringComparer.Ordinal);

    /// <summary>Scans the C# files below <paramref name="root"/> (bin and obj excluded).</summary>
    public static FolderDependencyGraph Scan(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var code = files.ToDictionary(f => f, f => Mask(File.ReadAllText(f)));
        var declaredIn = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (file, text) in code)
        {
            foreach (string type in TopLevelTypes(text))
            {
                if (!declaredIn.TryGetValue(type, out var folders)) declaredIn[type] = folders = [];
                folders.Add(FolderOf(root, file));
            }
        }

        var edges = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var (file, text) in code)
        {
            string from = FolderOf(root, file);
            if (!edges.TryGetValue(from, out var uses)) edges[from] = uses = new(StringComparer.Ordinal);
            foreach (string token in Identifier().Matches(text).Select(m => m.Value).Distinct())
            {
                if (!declaredIn.TryGetValue(token, out var folders)) continue;
                foreach (string to in folders.Where(f => f != from))
                {
                    if (!uses.TryGetValue(to, out var evidence)) uses[to] = evidence = new(StringComparer.Ordinal);
                    evidence.Add($"{Path.GetFileName(file)}: {token}");
                }
            }
        }

        return new FolderDependencyGraph(files.Length, edges.ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, IReadOnlyList<string>>)e.Value.ToDictionary(u => u.Key, u => (IReadOnlyList<string>)u.Value.ToList()),
            StringComparer.Ordinal));
    }

    /// <summary>
    /// The dependency cycles: each strongly connected set of two or more folders (sorted), with a closed path through it and every
    /// pair of its folders that use each other directly.
    /// </summary>
    public IReadOnlyList<(IReadOnlyList<string> Folders, IReadOnlyList<string> Path, IReadOnlyList<(string A, string B)> Mutual)> Cycles()
    {
        var cycles = new List<(IReadOnlyList<string>, IReadOnlyList<string>, IReadOnlyList<(string, string)>)>();
        foreach (var component in StronglyConnectedComponents().Where(c => c.Count > 1))
        {
            var folders = component.Order(StringComparer.Ordinal).ToList();
            var mutual = (from a in folders
                          from b in folders
                          where string.CompareOrdinal(a, b) < 0 && Uses(a).Contains(b) && Uses(b).Contains(a)
                          select (a, b)).ToList();
            cycles.Add((folders, PathThrough(component), mutual));
        }

        return cycles;
    }

    private IEnumerable<string> Uses(string folder) =>
        Edges.TryGetValue(folder, out var uses) ? uses.Keys.Order(StringComparer.Ordinal) : [];

    /// <summary>Tarjan's algorithm over the folder graph.</summary>
    private List<List<string>> StronglyConnectedComponents()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in Uses(v))
            {
                if (index.TryGetValue(w, out int visited))
                {
                    if (onStack.Contains(w)) low[v] = Math.Min(low[v], visited);
                }
                else
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
            }

            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                component.Add(x);
            }
            while (x != v);
            result.Add(component);
        }

        foreach (string folder in Folders)
        {
            if (!index.ContainsKey(folder)) Visit(folder);
        }

        return result;
    }

    /// <summary>A shortest closed path from the component's first folder back to itself, inside the component.</summary>
    private List<string> PathThrough(List<string> component)
    {
        var members = component.ToHashSet();
        string start = component.Order(StringComparer.Ordinal).First();
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            string v = queue.Dequeue();
            foreach (string w in Uses(v).Where(members.Contains))
            {
                if (w == start)
                {
                    var path = new List<string> { start };
                    for (string x = v; x != start; x = previous[x]) path.Insert(1, x);
                    path.Add(start);
                    return path;
                }

                if (previous.TryAdd(w, v)) queue.Enqueue(w);
            }
        }

        return [.. component, component[0]];
    }

    private static string FolderOf(string root, string file)
    {
        string[] parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Length > 1 ? parts[0] : RootFolder;
    }

    /// <summary>The names of the types declared at namespace level (not nested).</summary>
    private static IEnumerable<string> TopLevelTypes(string code)
    {
        int namespaceDepth = BlockNamespace().IsMatch(code) ? 1 : 0;
        int depth = 0;
        foreach (Match m in BraceOrDeclaration().Matches(code))
        {
            switch (m.Value)
            {
                case "{": depth++; break;
                case "}": depth--; break;
                default:
                    if (depth == namespaceDepth) yield return m.Groups["name"].Value;
                    break;
            }
        }
    }

    /// <summary>
    /// The code with comments and the contents of string and character literals replaced by spaces (line breaks kept); the
    /// expressions in interpolation holes stay.
    /// </summary>
    internal static string Mask(string s)
    {
        var o = new StringBuilder(s.Length);
        int i = 0;
        void Blank(int end)
        {
            for (; i < end; i++) o.Append(s[i] == '\n' ? '\n' : ' ');
        }

        while (i < s.Length)
        {
            if (At(s, i, "//"))
            {
                int end = s.IndexOf('\n', i);
                Blank(end < 0 ? s.Length : end);
            }
            else if (At(s, i, "/*"))
            {
                int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                Blank(end < 0 ? s.Length : end + 2);
            }
            else if (s[i] == '\'')
            {
                int end = i + 1;
                while (end < s.Length && s[end] != '\'') end += s[end] == '\\' ? 2 : 1;
                Blank(Math.Min(end + 1, s.Length));
            }
            else if (s[i] == '"' || At(s, i, "@\"") || At(s, i, "$\"") || At(s, i, "$@\"") || At(s, i, "@$\""))
            {
                i = MaskString(s, i, o);
            }
            else
            {
                o.Append(s[i++]);
            }
        }

        return o.ToString();
    }

    /// <summary>Appends the masked form of the string literal at <paramref name="start"/>; returns the index after it.</summary>
    private static int MaskString(string s, int start, StringBuilder o)
    {
        int quote = s.IndexOf('"', start);
        string prefix = s[start..quote];
        bool verbatim = prefix.Contains('@'), interpolated = prefix.Contains('$');
        if (At(s, quote, "\"\"\""))
        {
            // A raw string literal: blanked whole (this code base has no interpolated raw strings).
            int end = s.IndexOf("\"\"\"", quote + 3, StringComparison.Ordinal);
            end = end < 0 ? s.Length : end + 3;
            for (int k = start; k < end; k++) o.Append(s[k] == '\n' ? '\n' : ' ');
            return end;
        }

        o.Append(' ', quote - start + 1);
        int i = quote + 1;
        while (i < s.Length)
        {
            char c = s[i];
            if (!verbatim && c == '\\') { o.Append("  "); i += 2; continue; }
            if (verbatim && At(s, i, "\"\"")) { o.Append("  "); i += 2; continue; }
            if (c == '"') { o.Append(' '); return i + 1; }
            if (interpolated && At(s, i, "{{")) { o.Append("  "); i += 2; continue; }
            if (interpolated && c == '{')
            {
                // The hole's expression is code (nested strings in it are masked too).
                o.Append(' ');
                i++;
                int depth = 1;
                while (i < s.Length && depth > 0)
                {
                    if (s[i] == '"' || At(s, i, "$\"") || At(s, i, "@\"")) { i = MaskString(s, i, o); continue; }
                    if (s[i] == '{') depth++;
                    if (s[i] == '}' && --depth == 0) { o.Append(' '); i++; break; }
                    o.Append(s[i++]);
                }

                continue;
            }

            o.Append(c == '\n' ? '\n' : ' ');
            i++;
        }

        return i;
    }

    private static bool At(string s, int i, string what) => string.CompareOrdinal(s, i, what, 0, what.Length) == 0;

    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^\s*namespace\s+[\w.]+\s*\{", RegexOptions.Multiline)]
    private static partial Regex BlockNamespace();

    [GeneratedRegex(@"[{}]|\b(?:class|struct|interface|enum|record|delegate\s+[\w<>\[\],?. ]+?)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex BraceOrDeclaration();
}
