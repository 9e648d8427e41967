namespace QuickStart;

/// <summary>Reads the <c>--name value</c> options of the samples' command lines (QuickStart, AutoMLSample).</summary>
internal static class SampleArguments
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null when the option is absent.</summary>
    /// <exception cref="ArgumentException">The option is the last argument, with no value after it.</exception>
    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.", nameof(args));
        return args[i + 1];
    }
}
