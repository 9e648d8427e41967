using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace MLExtensions;

/// <summary>
/// Loads LibTorch (CPU) and TorchSharp's native bridge <c>libLibTorchSharp.so</c> by full path, on Linux, before TorchSharp's
/// own loader looks them up by name. Runs once, when the MLExtensions assembly is first used (module initializer).
/// </summary>
/// <remarks>
/// <para>Why: TorchSharp loads <c>torch_cpu</c> and <c>LibTorchSharp</c> by name. In an application the names resolve to the
/// copies in the application's folder, but in a notebook kernel (whose folder holds neither) they go to the system search path,
/// where a system libtorch (e.g. Debian's python3-torch, libtorch 1.13 in /lib) is found first; and the bridge in the NuGet cache
/// asks for <c>GLIBCXX_3.4.32</c>, which Debian 12's libstdc++ lacks.</para>
/// <para>How: the libraries are loaded by full path in dependency order (OpenMP, c10, torch_cpu, torch, then the bridge), so every
/// later request by name, from TorchSharp or from the dynamic loader resolving a dependency, matches an already-loaded library by
/// its soname and nothing is looked up on the search path. In an application the files are the ones .NET would load from the
/// application's folders (already patched there by the package's build step, buildTransitive/MLExtensions.targets). Otherwise
/// (a kernel loading the packages from the NuGet cache) they come from the package folders, and where the bridge needs the missing
/// libstdc++ version a patched copy is written to a per-user folder (<c>~/.local/share/MLExtensions/native/&lt;hash&gt;</c>) and
/// loaded from there: the NuGet cache itself is never modified.</para>
/// <para>Native libraries are process-wide, so this is the one piece of process-wide state of the library; it is idempotent and
/// thread-safe. It never throws: when something is missing or fails, TorchSharp's own loader runs as it would without MLExtensions,
/// and <see cref="Report"/> says why.</para>
/// </remarks>
internal static class TorchSharpNativeLoader
{
    /// <summary>The file name of TorchSharp's native bridge on Linux.</summary>
    internal const string BridgeFileName = "libLibTorchSharp.so";

    private static readonly Lock s_gate = new();
    private static TorchSharpNativeLoadReport? s_report;
    private static readonly Dictionary<string, IntPtr> s_handles = new(StringComparer.Ordinal);

    /// <summary>What the loader did in this process (runs it if it has not run yet).</summary>
    internal static TorchSharpNativeLoadReport Report => EnsureLoaded();

#pragma warning disable CA2255 // A library module initializer, on purpose: it must run before any code of the library touches TorchSharp.
    [ModuleInitializer]
    internal static void OnModuleLoaded() => EnsureLoaded();
#pragma warning restore CA2255

    /// <summary>Loads the native libraries once per process; later calls return the first call's report.</summary>
    internal static TorchSharpNativeLoadReport EnsureLoaded()
    {
        lock (s_gate)
        {
            if (s_report is not null) return s_report;
            try
            {
                s_report = LoadOnce();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                s_report = TorchSharpNativeLoadReport.NotLoaded($"unexpected {ex.GetType().Name}: {ex.Message}");
            }
            return s_report;
        }
    }

    private static TorchSharpNativeLoadReport LoadOnce()
    {
        if (!OperatingSystem.IsLinux())
            return TorchSharpNativeLoadReport.NotLoaded("not Linux: TorchSharp's own loader is used");
        string rid = $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
        Assembly torchSharp = typeof(torch).Assembly;
        var layout = TorchSharpNativeLayout.Find(ApplicationNativeDirectories(), torchSharp.Location, rid);
        if (layout is null)
            return TorchSharpNativeLoadReport.NotLoaded(
                "LibTorch (CPU) was not found beside the application or in the package folders (no TorchSharp-cpu reference, or a " +
                "CUDA backend): TorchSharp's own loader is used");

        string bridge = layout.BridgePath;
        bool patchedCopy = false;
        if (ElfVersionNeedPatcher.SystemLibstdcxxLacks(ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion)
            && ElfVersionNeedPatcher.RequiresVersionStrongly(bridge, ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion))
        {
            if (layout.FromApplication)
                return TorchSharpNativeLoadReport.NotLoaded(
                    $"{bridge} requires {ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion}, which this system's libstdc++ lacks, and it is " +
                    "the copy in the application's folder, which .NET loads by path: build or publish the application on Linux with the " +
                    "MLExtensions package (its build step patches that copy), or set MLExtensionsPatchTorchSharpNative back to true");
            string? root = PatchedCopyRoot();
            if (root is null)
                return TorchSharpNativeLoadReport.NotLoaded("no per-user data folder (HOME unset) for the patched copy of " + bridge);
            bridge = PreparePatchedCopy(bridge, root);
            patchedCopy = true;
        }

        foreach (string library in layout.LibTorchLibraries)
            s_handles[LibraryKey(Path.GetFileName(library))] = NativeLibrary.Load(library);
        s_handles[LibraryKey(BridgeFileName)] = NativeLibrary.Load(bridge);

        bool resolver = true;
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host (e.g. a notebook kernel) already set one: the loaded libraries still match TorchSharp's requests by soname.
            resolver = false;
        }
        return new TorchSharpNativeLoadReport(true, layout.LibTorchFolder, bridge, patchedCopy, layout.FromApplication, resolver,
            patchedCopy ? "loaded LibTorch from the package folder and a patched copy of the bridge" : "loaded by full path");
    }

    /// <summary>TorchSharp's P/Invokes name <c>LibTorchSharp</c>: answer with the handle loaded above.</summary>
    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        lock (s_gate)
        {
            return s_handles.TryGetValue(LibraryKey(libraryName), out var handle) ? handle : IntPtr.Zero;
        }
    }

    /// <summary>A library name without the <c>lib</c> prefix and the <c>.so</c> suffix: <c>libtorch_cpu.so</c> and <c>torch_cpu</c> agree.</summary>
    internal static string LibraryKey(string name)
    {
        string key = Path.GetFileName(name);
        if (key.EndsWith(".so", StringComparison.Ordinal)) key = key[..^3];
        if (key.StartsWith("lib", StringComparison.Ordinal)) key = key[3..];
        return key;
    }

    /// <summary>The folders .NET searches for an application's native libraries (from its deps.json), then the application folder.</summary>
    private static IEnumerable<string> ApplicationNativeDirectories()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string directories)
        {
            foreach (string directory in directories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return directory;
        }
        yield return AppContext.BaseDirectory;
    }

    /// <summary>The per-user folder for patched copies, or null without a home folder.</summary>
    private static string? PatchedCopyRoot()
    {
        string data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(data) ? null : Path.Combine(data, "MLExtensions", "native");
    }

    /// <summary>
    /// Returns a copy of <paramref name="bridgePath"/> with the libstdc++ requirement made weak, in
    /// <c><paramref name="root"/>/&lt;SHA-256 of the original, 16 hex digits&gt;/libLibTorchSharp.so</c>. An existing copy is used only
    /// when its bytes are exactly the patched original; otherwise (a stale, partial or altered file) it is rewritten. The original is
    /// only read.
    /// </summary>
    /// <exception cref="InvalidDataException">The bridge is not an ELF64 file.</exception>
    internal static string PreparePatchedCopy(string bridgePath, string root)
    {
        byte[] image = File.ReadAllBytes(bridgePath);
        string hash = Convert.ToHexStringLower(SHA256.HashData(image))[..16];
        ElfVersionNeedPatcher.SetVersionNeedWeak(image, ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion, weak: true, bridgePath);
        string folder = Path.Combine(root, hash);
        string target = Path.Combine(folder, BridgeFileName);
        if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(image))
            return target;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $"{BridgeFileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, target, overwrite: true);   // atomic: a process loading the copy never sees a partial file
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        return target;
    }
}
