namespace MLExtensions.AutoML;

/// <summary>Checks study names before any storage uses them (they are also passed only as SQL parameters).</summary>
internal static class StudyNames
{
    /// <summary>The longest study name allowed.</summary>
    public const int MaxLength = 128;

    /// <summary>Throws unless <paramref name="studyName"/> is 1–128 characters of ASCII letters, digits, '_', '-', '.' or ':'.</summary>
    public static void Check(string studyName, string paramName = "studyName")
    {
        ArgumentNullException.ThrowIfNull(studyName, paramName);
        if (studyName.Length is 0 or > MaxLength || !studyName.All(IsAllowed))
        {
            throw new ArgumentException(
                $"Study name '{studyName}' is not allowed: use 1 to {MaxLength} ASCII letters, digits, '_', '-', '.' or ':'.", paramName);
        }
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';
}
