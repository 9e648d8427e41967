using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Where the storage tests keep their databases: a temporary SQLite file, or the PostgreSQL server of MLEXT_POSTGRES.</summary>
internal static class TestDatabases
{
    /// <summary>The environment variable with the test PostgreSQL connection string (build/ci/postgres.sh sets it).</summary>
    public const string PostgresVariable = "MLEXT_POSTGRES";

    /// <summary>A fresh SQLite file path in a new temporary folder.</summary>
    public static string NewSqlitePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mlext-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "study.db");
    }

    /// <summary>The PostgreSQL connection string; marks the test inconclusive when the variable is absent.</summary>
    public static string PostgresConnectionString()
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Inconclusive($"{PostgresVariable} is not set: start a server with 'build/ci/postgres.sh start' (see AutoMLIntegration/README.md).");
        }

        return connectionString!;
    }

    /// <summary>A study name no other test run uses (the PostgreSQL database is shared between runs).</summary>
    public static string NewStudyName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Deletes a SQLite test file's folder (WAL and shared-memory files included).</summary>
    public static void DeleteSqlite(string path)
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
