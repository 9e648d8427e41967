using System.Data.Common;

namespace MLExtensions.AutoML;

/// <summary>
/// What differs between the databases behind <see cref="SqlTrialStorage"/>: how to connect, how a write transaction
/// starts, column types, the clock and row locking. Everything else is the same SQL.
/// </summary>
internal abstract class SqlDialect : IDisposable
{
    /// <summary>A description for messages (never includes a password).</summary>
    public abstract string Description { get; }

    /// <summary>An open connection, ready for commands.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A transaction that takes the write lock before its first read (SQLite <c>BEGIN IMMEDIATE</c>), so a read-then-write
    /// sequence cannot interleave with another writer's.
    /// </summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs once per storage before the schema is created or checked, outside any transaction.</summary>
    public virtual Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Serializes schema creation among processes inside <paramref name="transaction"/> (a no-op where the write transaction already does).</summary>
    public virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The type of a 64-bit integer column.</summary>
    public abstract string BigIntType { get; }

    /// <summary>The type of a double-precision column.</summary>
    public abstract string DoubleType { get; }

    /// <summary>The definition of an auto-numbered integer primary key column (without its name).</summary>
    public abstract string IdentityPrimaryKey { get; }

    /// <summary>An expression for the database's current time in milliseconds since the Unix epoch (UTC).</summary>
    public abstract string NowMilliseconds { get; }

    /// <summary>Appended to a <c>SELECT</c> that must lock the rows it reads until the transaction ends ("" where the write transaction already excludes other writers).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Appended to the <c>SELECT</c> of a claim: lock the row, skipping rows another transaction holds.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <inheritdoc/>
    public abstract void Dispose();
}
