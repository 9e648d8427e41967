namespace MLExtensions.AutoML;

/// <summary>
/// A trial storage in one SQLite file (Microsoft.Data.Sqlite): an experiment resumes from it after a crash or a stop, and
/// several worker processes on <b>one machine</b> share a study through it. The file uses WAL journaling and every write
/// runs in <c>BEGIN IMMEDIATE</c>, so claims and proposals are atomic across processes. Do not put the file on a network
/// file system (SQLite's locks are unreliable there); use <see cref="PostgresTrialStorage"/> for workers on several machines.
/// </summary>
public sealed class SqliteTrialStorage : SqlTrialStorage
{
    /// <summary>Opens (or creates) the SQLite database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file; created with its tables on first use.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, an in-memory name or in a folder that does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SqliteTrialStorageOptions.BusyTimeout"/> is not positive.</exception>
    public SqliteTrialStorage(string path, SqliteTrialStorageOptions? options = null)
        : base(CreateDialect(path, options ?? new SqliteTrialStorageOptions()))
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    private static SqliteDialect CreateDialect(string path, SqliteTrialStorageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Trim() == ":memory:" || path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"SQLite trial storage path '{path}' must be a file path (an in-memory database cannot be shared or resumed; use the in-memory storage).",
                nameof(path));
        }

        var full = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentException($"SQLite trial storage path '{path}': folder '{folder}' does not exist.", nameof(path));
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SqliteTrialStorageOptions.BusyTimeout), options.BusyTimeout,
                $"{nameof(SqliteTrialStorageOptions)}.{nameof(SqliteTrialStorageOptions.BusyTimeout)} must be positive.");
        }

        return new SqliteDialect(full, options.BusyTimeout);
    }
}
