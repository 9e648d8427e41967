// Debian 12 compatibility of TorchSharp's native library.
//
// libLibTorchSharp.so (TorchSharp 0.107.0) lists GLIBCXX_3.4.32 among the libstdc++ versions it needs, only because
// GCC 13's <iostream> emits an unused marker reference to std::ios_base_library_init(). Debian 12's libstdc++ stops at
// GLIBCXX_3.4.30, so the dynamic loader refuses the library. Setting VER_FLG_WEAK (0x2) in that one version-need entry
// makes a missing version non-fatal; no relocation uses it, so the library then loads and runs unchanged.
//
// This file is compiled twice: into MLExtensions.dll (which defines ELF_PATCHER_NO_TASK; the load-time loader uses the
// patcher for the notebook-kernel case) and, shipped in the package's buildTransitive folder, by MSBuild as the inline task
// of MLExtensions.targets, which patches the copies in a consumer's own output and publish folders.
// It is written for both compilers: C# 7.3-compatible syntax, netstandard2.0 APIs only.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MLExtensions
{
    /// <summary>Outcome of <see cref="ElfVersionNeedPatcher.MakeVersionNeedWeak"/> for one file.</summary>
    internal enum ElfPatchResult
    {
        /// <summary>The entry was strong and is now weak.</summary>
        Patched,
        /// <summary>The entry was already weak: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require the version at all: nothing written.</summary>
        VersionNotRequired,
    }

    /// <summary>Edits the <c>.gnu.version_r</c> section of an ELF64 little-endian shared object.</summary>
    internal static class ElfVersionNeedPatcher
    {
        /// <summary>The libstdc++ version TorchSharp 0.107.0's native library asks for and Debian 12 lacks.</summary>
        internal const string TorchSharpLibstdcxxVersion = "GLIBCXX_3.4.32";

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>The usual locations of the system libstdc++.</summary>
        private static readonly string[] SystemLibstdcxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };

        /// <summary>
        /// Sets <c>VER_FLG_WEAK</c> on every version-need entry named <paramref name="versionName"/>. The file is rewritten
        /// (a new file moved over it), never edited in place, so a hard link to it (e.g. into a NuGet cache) is left unchanged.
        /// </summary>
        /// <param name="path">The shared object to edit.</param>
        /// <param name="versionName">A version name such as <c>GLIBCXX_3.4.32</c>.</param>
        /// <returns>What was done; calling it again returns <see cref="ElfPatchResult.AlreadyWeak"/>.</returns>
        /// <exception cref="InvalidDataException">The file is not a well-formed ELF64 little-endian object.</exception>
        public static ElfPatchResult MakeVersionNeedWeak(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            ElfPatchResult result = SetVersionNeedWeak(image, versionName, true, path);
            if (result != ElfPatchResult.Patched)
                return result;
            string temporary = path + ".mlext-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temporary, image);
                File.Replace(temporary, path, null);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            return result;
        }

        /// <summary>Sets (<paramref name="weak"/> true) or clears the weak flag of the named version-need entries in an image.</summary>
        /// <param name="image">The file's bytes, edited in place.</param>
        /// <param name="versionName">A version name such as <c>GLIBCXX_3.4.32</c>.</param>
        /// <param name="weak">True to make the requirement weak, false to make it strong again (tests use that).</param>
        /// <param name="sourceName">How errors name the image.</param>
        /// <returns><see cref="ElfPatchResult.Patched"/> when a byte changed.</returns>
        /// <exception cref="InvalidDataException">The image is not a well-formed ELF64 little-endian object.</exception>
        public static ElfPatchResult SetVersionNeedWeak(byte[] image, string versionName, bool weak, string sourceName)
        {
            List<int> flagOffsets = FindVersionNeedFlagOffsets(image, versionName, sourceName);
            if (flagOffsets.Count == 0)
                return ElfPatchResult.VersionNotRequired;
            bool changed = false;
            foreach (int offset in flagOffsets)
            {
                ushort flags = BitConverter.ToUInt16(image, offset);
                ushort wanted = weak ? (ushort)(flags | VerFlgWeak) : (ushort)(flags & ~VerFlgWeak);
                if (wanted == flags)
                    continue;
                image[offset] = (byte)(wanted & 0xff);
                image[offset + 1] = (byte)(wanted >> 8);
                changed = true;
            }
            return changed ? ElfPatchResult.Patched : ElfPatchResult.AlreadyWeak;
        }

        /// <summary>Whether a file's version-need entry named <paramref name="versionName"/> exists and is strong.</summary>
        public static bool RequiresVersionStrongly(string path, string versionName) =>
            RequiresVersionStrongly(File.ReadAllBytes(path), versionName, path);

        /// <summary>Whether an image's version-need entry named <paramref name="versionName"/> exists and is strong.</summary>
        public static bool RequiresVersionStrongly(byte[] image, string versionName, string sourceName)
        {
            foreach (int offset in FindVersionNeedFlagOffsets(image, versionName, sourceName))
            {
                if ((BitConverter.ToUInt16(image, offset) & VerFlgWeak) == 0)
                    return true;
            }
            return false;
        }

        /// <summary>Whether a shared library defines a symbol version (e.g. whether libstdc++ provides <c>GLIBCXX_3.4.32</c>).</summary>
        /// <remarks>Looks for the NUL-terminated name among the file's strings; a libstdc++ that defines a version names it in its
        /// dynamic string table.</remarks>
        public static bool LibraryMentionsVersion(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            for (int i = 0; i + needle.Length <= image.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && image[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        /// <summary>The system libstdc++ (first of the usual locations that exists), or null when none is found.</summary>
        public static string? FindSystemLibstdcxx()
        {
            foreach (string candidate in SystemLibstdcxxCandidates)
            {
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>Whether the system libstdc++ is found and lacks <paramref name="versionName"/> (so a strong requirement fails to load).</summary>
        public static bool SystemLibstdcxxLacks(string versionName)
        {
            string? library = FindSystemLibstdcxx();
            return library != null && !LibraryMentionsVersion(library, versionName);
        }

        private static List<int> FindVersionNeedFlagOffsets(byte[] image, string versionName, string path)
        {
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                throw new InvalidDataException($"'{path}' is not an ELF file.");
            if (image[4] != 2 || image[5] != 1)
                throw new InvalidDataException($"'{path}' is not a 64-bit little-endian ELF file.");

            long sectionHeaderOffset = (long)ReadU64(image, 0x28, path);
            int sectionHeaderSize = ReadU16(image, 0x3A, path);
            int sectionCount = ReadU16(image, 0x3C, path);
            var result = new List<int>();
            for (int i = 0; i < sectionCount; i++)
            {
                long header = sectionHeaderOffset + (long)i * sectionHeaderSize;
                if (ReadU32(image, header + 4, path) != ShtGnuVerneed)
                    continue;
                long sectionOffset = (long)ReadU64(image, header + 0x18, path);
                uint stringSectionIndex = ReadU32(image, header + 0x28, path);
                uint needCount = ReadU32(image, header + 0x2C, path);
                long stringHeader = sectionHeaderOffset + (long)stringSectionIndex * sectionHeaderSize;
                long stringTable = (long)ReadU64(image, stringHeader + 0x18, path);

                long need = sectionOffset;
                for (uint n = 0; n < needCount; n++)
                {
                    int auxCount = ReadU16(image, need + 2, path);
                    long aux = need + ReadU32(image, need + 8, path);
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint nameOffset = ReadU32(image, aux + 8, path);
                        if (ReadCString(image, stringTable + nameOffset, path) == versionName)
                            result.Add(checked((int)(aux + 4)));
                        uint nextAux = ReadU32(image, aux + 12, path);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint nextNeed = ReadU32(image, need + 12, path);
                    if (nextNeed == 0) break;
                    need += nextNeed;
                }
            }
            return result;
        }

        private static void CheckRange(byte[] image, long offset, int length, string path)
        {
            if (offset < 0 || offset + length > image.Length)
                throw new InvalidDataException($"'{path}' is truncated or malformed (offset {offset} is outside the file).");
        }

        private static ushort ReadU16(byte[] b, long o, string p) { CheckRange(b, o, 2, p); return BitConverter.ToUInt16(b, (int)o); }
        private static uint ReadU32(byte[] b, long o, string p) { CheckRange(b, o, 4, p); return BitConverter.ToUInt32(b, (int)o); }
        private static ulong ReadU64(byte[] b, long o, string p) { CheckRange(b, o, 8, p); return BitConverter.ToUInt64(b, (int)o); }

        private static string ReadCString(byte[] b, long o, string p)
        {
            CheckRange(b, o, 1, p);
            int end = Array.IndexOf(b, (byte)0, (int)o);
            if (end < 0) throw new InvalidDataException($"'{p}' has an unterminated string at offset {o}.");
            return Encoding.ASCII.GetString(b, (int)o, end - (int)o);
        }
    }

#if !ELF_PATCHER_NO_TASK
    /// <summary>MSBuild task: makes the GLIBCXX requirement of TorchSharp's native library weak where the system lacks it.</summary>
    public sealed class PatchTorchSharpNativeLibrary : Microsoft.Build.Utilities.Task
    {
        /// <summary>Candidate copies of libLibTorchSharp.so in the project's own output or publish folder (missing files are skipped).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The libstdc++ version the library asks for.</summary>
        public string VersionName { get; set; } = ElfVersionNeedPatcher.TorchSharpLibstdcxxVersion;

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
                return true;
            if (!ElfVersionNeedPatcher.SystemLibstdcxxLacks(VersionName))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    $"The system libstdc++ provides {VersionName} (or was not found): TorchSharp's native library is left as shipped.");
                return true;
            }
            foreach (var item in Libraries)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path))
                    continue;
                try
                {
                    ElfPatchResult result = ElfVersionNeedPatcher.MakeVersionNeedWeak(path, VersionName);
                    if (result == ElfPatchResult.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"MLExtensions: made the {VersionName} requirement of {path} weak (Debian 12 libstdc++ compatibility).");
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
                {
                    Log.LogWarning($"MLExtensions: could not patch {path} for libstdc++ compatibility ({VersionName}): {ex.Message}");
                }
            }
            return true;
        }
    }
#endif
}
