namespace MLExtensions.AutoML;

/// <summary>Options of <see cref="SqliteTrialStorage"/>.</summary>
public sealed class SqliteTrialStorageOptions
{
    /// <summary>The defaults.</summary>
    public static class Defaults
    {
        /// <summary>How long a write waits for another process's write lock before failing: 30 s.</summary>
        public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// How long a write waits for the database's write lock held by another worker before it fails with "database is locked".
    /// Default <see cref="Defaults.BusyTimeout"/>; must be positive.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = Defaults.BusyTimeout;
}
