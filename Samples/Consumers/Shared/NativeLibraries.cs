namespace Consumers;

/// <summary>The shared objects this process has mapped (Linux: /proc/self/maps), to show which LibTorch was loaded.</summary>
public static class NativeLibraries
{
    /// <summary>Paths of mapped files whose name contains <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<string> Mapped(string fragment) =>
        !File.Exists("/proc/self/maps")
            ? []
            : File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length == 6 && parts[5].Contains(fragment, StringComparison.Ordinal))
                .Select(parts => parts[5].Trim())
                .Distinct()
                .ToList();
}
