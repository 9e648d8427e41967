using TorchSharp;
using static TorchSharp.torch;

namespace MLExtensions.Tests.Build;

[TestClass]
public sealed class TorchSharpNativeCompatTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string NativeLibraryPath =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [TestMethod]
    public void TorchSharp_LoadsAndTrainsSmallNetwork_LossDecreases()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var x = rand(new long[] { 64, 3 }, generator: generator);
        var y = x.matmul(tensor(new float[] { 1f, -2f, 0.5f }).reshape(3, 1)) + 0.3f;
        var model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1));
        using var optimizer = optim.Adam(model.parameters(), 0.05);
        double first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.IsTrue(last < first * 0.05, $"loss {first} -> {last}");
    }

    [TestMethod]
    public void BuildOutput_NativeLibrary_HasNoStrongRequirementTheSystemLacks()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("Linux only.");
        Assert.IsTrue(File.Exists(NativeLibraryPath), NativeLibraryPath);
        string systemLibstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        bool systemHasVersion = File.Exists(systemLibstdcxx) && ElfVersionNeedPatcher.LibraryMentionsVersion(systemLibstdcxx, Version);
        if (!systemHasVersion)
            Assert.IsFalse(ElfVersionNeedPatcher.RequiresVersionStrongly(NativeLibraryPath, Version));
    }

    [TestMethod]
    public void MakeVersionNeedWeak_CopyOfShippedLibrary_PatchesOnceThenIsIdempotent()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Inconclusive("Linux only.");
        string copy = Path.Combine(Path.GetTempPath(), $"mlext-elf-{Guid.NewGuid():N}.so");
        try
        {
            File.Copy(NativeLibraryPath, copy);
            // Undo a previous patch on the copy so the test always exercises the strong -> weak edit.
            byte[] before = File.ReadAllBytes(copy);
            var first = ElfVersionNeedPatcher.MakeVersionNeedWeak(copy, Version);
            Assert.IsTrue(first is ElfPatchResult.Patched or ElfPatchResult.AlreadyWeak);
            Assert.IsFalse(ElfVersionNeedPatcher.RequiresVersionStrongly(copy, Version));
            byte[] afterFirst = File.ReadAllBytes(copy);
            Assert.AreEqual(ElfPatchResult.AlreadyWeak, ElfVersionNeedPatcher.MakeVersionNeedWeak(copy, Version));
            CollectionAssert.AreEqual(afterFirst, File.ReadAllBytes(copy));
            int differing = before.Zip(afterFirst).Count(p => p.First != p.Second);
            Assert.IsTrue(differing <= 1, $"{differing} bytes changed");
            Assert.AreEqual(ElfPatchResult.VersionNotRequired, ElfVersionNeedPatcher.MakeVersionNeedWeak(copy, "GLIBCXX_9.9.99"));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [TestMethod]
    public void MakeVersionNeedWeak_NotAnElfFile_ThrowsNamingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlext-notelf-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "definitely not an ELF shared object, just some text padding it out to 64 bytes.....");
        try
        {
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => ElfVersionNeedPatcher.MakeVersionNeedWeak(path, Version));
            StringAssert.Contains(ex.Message, path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
