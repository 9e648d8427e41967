using System.Runtime.InteropServices;

namespace MLExtensions.Notebooks;

/// <summary>
/// Lets a notebook kernel find the native libraries of ML.NET's FastTree and LightGBM, of ONNX Runtime and of SkiaSharp/HarfBuzzSharp
/// (the charts of MLExtensions.Plotting) in this build folder.
/// A kernel such as dotnet-interactive is its own application, so .NET probes its folder, not the one the notebook loaded the
/// managed assemblies from (TorchSharp needs no help: it searches beside its own assembly).
/// </summary>
public static class NotebookSetup
{
    private static readonly object Gate = new();
    private static bool s_done;

    /// <summary>Resolves those libraries from <c>runtimes/&lt;rid&gt;/native</c> beside this assembly. Safe to call more than once.</summary>
    public static void ResolveNativeLibraries()
    {
        lock (Gate)
        {
            if (s_done)
            {
                return;
            }

            string folder = Path.GetDirectoryName(typeof(NotebookSetup).Assembly.Location)!;
            string native = Path.Combine(folder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
            foreach (var assembly in new[]
            {
                typeof(Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer).Assembly,
                typeof(Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer).Assembly,
                typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly,
                typeof(SkiaSharp.SKSurface).Assembly,
                typeof(HarfBuzzSharp.Buffer).Assembly,
            })
            {
                NativeLibrary.SetDllImportResolver(assembly, (name, _, _) => Load(native, name));
            }

            s_done = true;
        }
    }

    private static IntPtr Load(string folder, string name)
    {
        foreach (string file in new[] { $"lib{name}.so", $"{name}.so", $"lib{name}.dylib", $"{name}.dylib", $"{name}.dll", name })
        {
            if (NativeLibrary.TryLoad(Path.Combine(folder, file), out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero; // fall back to the default probing
    }
}
