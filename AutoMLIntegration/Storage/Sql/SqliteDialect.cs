using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLExtensions.AutoML;

/// <summary>SQLite: WAL journal, a busy timeout on every connection, <c>BEGIN IMMEDIATE</c> for every write transaction.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly int _busyTimeoutMilliseconds;

    public SqliteDialect(string path, TimeSpan busyTimeout)
    {
        _path = path;
        _busyTimeoutMilliseconds = (int)Math.Ceiling(busyTimeout.TotalMilliseconds);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
    }

    public override string Description => $"SQLite trial storage '{_path}'";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds}; PRAGMA foreign_keys = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // BEGIN IMMEDIATE: the write lock is taken now (waiting up to the busy timeout), not at the first write.
        return Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    public override async Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers go on while one writer commits; the mode is stored in the file, so this is a no-op after the first time.
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{Description}: the database could not switch to WAL journal mode (it reports '{mode}'); workers sharing a study need WAL.");
        }
    }

    public override string BigIntType => "INTEGER";

    public override string DoubleType => "REAL";

    public override string IdentityPrimaryKey => "INTEGER PRIMARY KEY";

    public override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    public override string ForUpdate => "";

    public override string ForUpdateSkipLocked => "";

    public override void Dispose()
    {
        // Close the pooled connections of this file so it can be moved or deleted once every storage on it is disposed.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
