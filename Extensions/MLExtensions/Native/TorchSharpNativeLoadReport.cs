namespace MLExtensions;

/// <summary>What <see cref="TorchSharpNativeLoader"/> did in this process.</summary>
/// <param name="Loaded">Whether LibTorch and the bridge were loaded by full path.</param>
/// <param name="LibTorchFolder">The folder LibTorch was loaded from, or null.</param>
/// <param name="BridgePath">The <c>libLibTorchSharp.so</c> that was loaded, or null.</param>
/// <param name="PatchedCopy">Whether <paramref name="BridgePath"/> is a patched copy in the per-user folder.</param>
/// <param name="FromApplication">Whether the files came from the application's own folders (rather than package folders).</param>
/// <param name="ResolverInstalled">Whether TorchSharp's P/Invokes are resolved to the loaded bridge by a resolver of ours.</param>
/// <param name="Detail">A sentence for diagnostics: what was loaded, or why nothing was.</param>
internal sealed record TorchSharpNativeLoadReport(
    bool Loaded, string? LibTorchFolder, string? BridgePath, bool PatchedCopy, bool FromApplication, bool ResolverInstalled, string Detail)
{
    /// <summary>A report of a load that did not happen, with the reason.</summary>
    internal static TorchSharpNativeLoadReport NotLoaded(string reason) => new(false, null, null, false, false, false, reason);
}
