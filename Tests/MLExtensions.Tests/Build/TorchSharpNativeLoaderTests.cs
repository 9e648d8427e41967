namespace MLExtensions.Tests.Build;

[TestClass]
public sealed class TorchSharpNativeLoaderTests
{
    private const string Version = ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion;

    private static string OutputBridge =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", TorchSharpNativeLoader.BridgeFileName);

    [TestMethod]
    public void Report_InTestHost_LoadedLibTorchAndBridgeFromTheOutputFolder()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("Linux only.");
        var report = TorchSharpNativeLoader.Report;
        Assert.IsTrue(report.Loaded, report.Detail);
        Assert.IsTrue(report.FromApplication, report.Detail);
        Assert.IsFalse(report.PatchedCopy);
        string baseDirectory = Path.GetFullPath(AppContext.BaseDirectory);
        StringAssert.StartsWith(Path.GetFullPath(report.LibTorchFolder!), baseDirectory);
        Assert.AreEqual(Path.GetFullPath(OutputBridge), Path.GetFullPath(report.BridgePath!));
        // A TorchSharp call works after the loader ran (the loaded bridge answers TorchSharp's P/Invokes).
        using var t = TorchSharp.torch.ones(3);
        Assert.AreEqual(3f, t.sum().item<float>());
    }

    [TestMethod]
    public void Find_PackageFolders_LocatesBridgeAndTheLibTorchVersionTorchSharpCpuAsksFor()
    {
        string root = NewFolder();
        try
        {
            string torchSharp = Touch(root, "torchsharp/0.107.0/lib/net8.0/TorchSharp.dll");
            string bridge = Touch(root, "torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so");
            File.WriteAllText(Touch(root, "torchsharp-cpu/0.107.0/torchsharp-cpu.nuspec"),
                "<package><metadata><dependencies><group><dependency id=\"libtorch-cpu\" version=\"2.10.0\" /></group></dependencies></metadata></package>");
            foreach (string version in new[] { "2.10.0", "2.11.0" })
            {
                foreach (string file in new[] { "libtorch.so", "libtorch_cpu.so", "libc10.so", "libgomp-98b21ff3.so.1", "libtorch_python.so" })
                    Touch(root, $"libtorch-cpu-linux-x64/{version}/runtimes/linux-x64/native/{file}");
            }

            var layout = TorchSharpNativeLayout.Find([Path.Combine(root, "no-such-app-folder"), root], torchSharp, "linux-x64");

            Assert.IsNotNull(layout);
            Assert.IsFalse(layout.FromApplication);
            Assert.AreEqual(bridge, layout.BridgePath);
            string native = Path.Combine(root, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
            Assert.AreEqual(native, layout.LibTorchFolder);
            CollectionAssert.AreEqual(
                new[] { "libgomp-98b21ff3.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so" },
                layout.LibTorchLibraries.Select(Path.GetFileName).ToArray(),
                "dependency order, and only LibTorch's core libraries");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Find_ApplicationFolderHasBoth_PrefersItOverThePackageFolders()
    {
        string root = NewFolder();
        try
        {
            string torchSharp = Touch(root, "packages/torchsharp/0.107.0/lib/net8.0/TorchSharp.dll");
            Touch(root, "packages/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so");
            Touch(root, "packages/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native/libtorch_cpu.so");
            string app = Path.GetDirectoryName(Touch(root, "app/libtorch_cpu.so"))!;
            Touch(root, "app/libLibTorchSharp.so");

            var layout = TorchSharpNativeLayout.Find([app], torchSharp, "linux-x64");

            Assert.IsNotNull(layout);
            Assert.IsTrue(layout.FromApplication);
            Assert.AreEqual(Path.Combine(app, "libLibTorchSharp.so"), layout.BridgePath);
            Assert.AreEqual(app, layout.LibTorchFolder);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void Find_NoLibTorchAnywhere_ReturnsNull()
    {
        string root = NewFolder();
        try
        {
            string torchSharp = Touch(root, "torchsharp/0.107.0/lib/net8.0/TorchSharp.dll");
            Touch(root, "torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so");
            Assert.IsNull(TorchSharpNativeLayout.Find([root], torchSharp, "linux-x64"));
            Assert.IsNull(TorchSharpNativeLayout.Find([root], "", "linux-x64"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void PreparePatchedCopy_StrongBridge_WritesAWeakCopyKeyedByHashAndLeavesTheOriginal()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("Linux only.");
        string root = NewFolder();
        try
        {
            // An unpatched bridge, as a fresh NuGet cache holds it.
            byte[] strong = File.ReadAllBytes(OutputBridge);
            ElfVersionNeedPatcher.SetVersionNeedWeak(strong, Version, weak: false, OutputBridge);
            string original = Path.Combine(root, "cache", "libLibTorchSharp.so");
            Directory.CreateDirectory(Path.GetDirectoryName(original)!);
            File.WriteAllBytes(original, strong);

            string copy = TorchSharpNativeLoader.PreparePatchedCopy(original, Path.Combine(root, "copies"));

            Assert.AreEqual(TorchSharpNativeLoader.BridgeFileName, Path.GetFileName(copy));
            StringAssert.StartsWith(copy, Path.Combine(root, "copies"));
            Assert.IsFalse(ElfVersionNeedPatcher.RequiresVersionStrongly(copy, Version));
            Assert.IsTrue(ElfVersionNeedPatcher.RequiresVersionStrongly(original, Version), "the original must stay untouched");
            CollectionAssert.AreEqual(strong, File.ReadAllBytes(original));
            byte[] copied = File.ReadAllBytes(copy);
            Assert.AreEqual(1, strong.Zip(copied).Count(p => p.First != p.Second), "one flag byte differs");

            // A tampered copy is rewritten; an intact one is reused as it is.
            File.WriteAllBytes(copy, [1, 2, 3]);
            Assert.AreEqual(copy, TorchSharpNativeLoader.PreparePatchedCopy(original, Path.Combine(root, "copies")));
            CollectionAssert.AreEqual(copied, File.ReadAllBytes(copy));
            Assert.AreEqual(copy, TorchSharpNativeLoader.PreparePatchedCopy(original, Path.Combine(root, "copies")));
            Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(copy)!).Length, "no temporary file left");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void PreparePatchedCopy_NotAnElfFile_ThrowsNamingTheFile()
    {
        string root = NewFolder();
        try
        {
            string bogus = Path.Combine(root, "libLibTorchSharp.so");
            File.WriteAllText(bogus, new string('x', 100));
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => TorchSharpNativeLoader.PreparePatchedCopy(bogus, Path.Combine(root, "copies")));
            StringAssert.Contains(ex.Message, bogus);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void LibraryKey_NamesOfOneLibraryAgree()
    {
        Assert.AreEqual("LibTorchSharp", TorchSharpNativeLoader.LibraryKey("LibTorchSharp"));
        Assert.AreEqual("LibTorchSharp", TorchSharpNativeLoader.LibraryKey("libLibTorchSharp.so"));
        Assert.AreEqual("torch_cpu", TorchSharpNativeLoader.LibraryKey("/x/libtorch_cpu.so"));
        Assert.AreEqual("gomp-98b21ff3.so.1", TorchSharpNativeLoader.LibraryKey("libgomp-98b21ff3.so.1"));
    }

    private static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mlext-native-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Touch(string root, string relative)
    {
        string path = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }
}
