using System.Xml.Linq;

namespace MLExtensions;

/// <summary>Where LibTorch (CPU) and TorchSharp's native bridge are on disk, for <see cref="TorchSharpNativeLoader"/>.</summary>
/// <param name="LibTorchFolder">The folder holding <c>libtorch_cpu.so</c>.</param>
/// <param name="LibTorchLibraries">LibTorch's libraries found there, in the order they must be loaded.</param>
/// <param name="BridgePath">The <c>libLibTorchSharp.so</c> to load.</param>
/// <param name="FromApplication">True when both come from the application's own native folders (what .NET itself would load).</param>
internal sealed record TorchSharpNativeLayout(string LibTorchFolder, IReadOnlyList<string> LibTorchLibraries, string BridgePath, bool FromApplication)
{
    private const string TorchCpuFileName = "libtorch_cpu.so";

    /// <summary>LibTorch's libraries in dependency order (each after those it needs); OpenMP's file name carries a build hash.</summary>
    private static readonly string[] LibTorchPatternsInOrder = ["libgomp*.so*", "libc10.so", TorchCpuFileName, "libtorch.so"];

    /// <summary>
    /// Finds the libraries: first in the application's native folders (both files there), else in the NuGet package folders next to
    /// the TorchSharp assembly (<c>&lt;root&gt;/torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll</c>, the bridge in
    /// <c>torchsharp/&lt;version&gt;/runtimes/&lt;rid&gt;/native</c>, LibTorch in <c>libtorch-cpu-&lt;rid&gt;/&lt;version&gt;/runtimes/&lt;rid&gt;/native</c>,
    /// the version the <c>torchsharp-cpu</c> package of the same version asks for, else the highest present).
    /// </summary>
    /// <param name="applicationDirectories">The application's native search folders, in .NET's order.</param>
    /// <param name="torchSharpAssemblyPath">The location of TorchSharp.dll (empty for an assembly loaded from bytes).</param>
    /// <param name="rid">The runtime identifier, e.g. <c>linux-x64</c>.</param>
    /// <returns>The layout, or null when LibTorch or the bridge is not found.</returns>
    internal static TorchSharpNativeLayout? Find(IEnumerable<string> applicationDirectories, string torchSharpAssemblyPath, string rid)
    {
        var directories = applicationDirectories.Where(Directory.Exists).ToList();
        string? appTorch = directories.FirstOrDefault(d => File.Exists(Path.Combine(d, TorchCpuFileName)));
        string? appBridge = directories.FirstOrDefault(d => File.Exists(Path.Combine(d, TorchSharpNativeLoader.BridgeFileName)));
        if (appTorch is not null && appBridge is not null)
            return new(appTorch, LibrariesIn(appTorch), Path.Combine(appBridge, TorchSharpNativeLoader.BridgeFileName), true);

        if (string.IsNullOrEmpty(torchSharpAssemblyPath)) return null;
        string? lib = Path.GetDirectoryName(Path.GetFullPath(torchSharpAssemblyPath));          // .../torchsharp/0.107.0/lib/net8.0
        string? home = lib is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(lib));   // .../torchsharp/0.107.0
        string? packages = home is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(home));
        if (home is null || packages is null) return null;
        string bridge = Path.Combine(home, "runtimes", rid, "native", TorchSharpNativeLoader.BridgeFileName);
        string libTorchPackage = Path.Combine(packages, $"libtorch-cpu-{rid}");
        if (!File.Exists(bridge) || !Directory.Exists(libTorchPackage)) return null;

        string? version = LibTorchVersionOf(packages, Path.GetFileName(home));
        string? versionFolder = version is not null && Directory.Exists(Path.Combine(libTorchPackage, version))
            ? Path.Combine(libTorchPackage, version)
            : Directory.GetDirectories(libTorchPackage).OrderByDescending(d => ParseVersion(Path.GetFileName(d))).FirstOrDefault();
        if (versionFolder is null) return null;
        string native = Path.Combine(versionFolder, "runtimes", rid, "native");
        if (!File.Exists(Path.Combine(native, TorchCpuFileName))) return null;
        return new(native, LibrariesIn(native), bridge, false);
    }

    private static List<string> LibrariesIn(string folder)
    {
        var result = new List<string>();
        foreach (string pattern in LibTorchPatternsInOrder)
            result.AddRange(Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal));
        return result;
    }

    /// <summary>The <c>libtorch-cpu</c> version that <c>torchsharp-cpu/&lt;version&gt;</c>'s nuspec depends on, or null.</summary>
    private static string? LibTorchVersionOf(string packages, string torchSharpVersion)
    {
        string folder = Path.Combine(packages, "torchsharp-cpu", torchSharpVersion);
        string? nuspec = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.nuspec").FirstOrDefault() : null;
        if (nuspec is null) return null;
        try
        {
            var dependency = XDocument.Load(nuspec).Descendants()
                .FirstOrDefault(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") is { } id
                    && id.Equals("libtorch-cpu", StringComparison.OrdinalIgnoreCase));
            return ((string?)dependency?.Attribute("version"))?.Trim('[', ']', '(', ')').Split(',')[0].Trim().ToLowerInvariant();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static Version ParseVersion(string text) =>
        Version.TryParse(text.Split('-')[0], out var version) ? version : new Version(0, 0);
}
