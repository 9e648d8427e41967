namespace MLExtensions.AutoML;

/// <summary>
/// A trial storage in a PostgreSQL database (Npgsql), for workers on several machines sharing a study: the same tables and
/// SQL as <see cref="SqliteTrialStorage"/>, with row locks (<c>FOR UPDATE</c>) serializing proposals per study and
/// <c>FOR UPDATE SKIP LOCKED</c> claims. Heartbeats and staleness use the database server's clock, so the workers' clocks
/// need not agree. Tables are created in the connection's default schema (set <c>Search Path</c> in the connection string
/// to use another).
/// </summary>
public sealed class PostgresTrialStorage : SqlTrialStorage
{
    /// <summary>Connects to PostgreSQL with <paramref name="connectionString"/> (Npgsql's format, e.g.
    /// <c>Host=db;Port=5432;Database=automl;Username=automl;Password=…</c>; read it from the environment or a secret store,
    /// never from source code).</summary>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid Npgsql connection string.</exception>
    public PostgresTrialStorage(string connectionString)
        : base(CreateDialect(connectionString))
    {
    }

    private static PostgresDialect CreateDialect(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new PostgresDialect(connectionString);
    }
}
