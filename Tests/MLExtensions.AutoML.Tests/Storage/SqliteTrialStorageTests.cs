using Microsoft.Data.Sqlite;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The storage contract on a SQLite file, plus what is SQLite's own (WAL, schema version, path checks).</summary>
[TestClass]
public sealed class SqliteTrialStorageTests : SqlTrialStorageContractTests
{
    private string _path = "";

    [TestInitialize]
    public void CreateFile() => _path = TestDatabases.NewSqlitePath();

    [TestCleanup]
    public void DeleteFile() => TestDatabases.DeleteSqlite(_path);

    protected override SqlTrialStorage OpenStorage() => new SqliteTrialStorage(_path);

    [TestMethod]
    public async Task TheFileIsInWalModeWithTheVersionedSchema()
    {
        using (var storage = OpenStorage())
        {
            await storage.CreateOrOpenStudyAsync("s", false);
        }

        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.AreEqual("wal", command.ExecuteScalar());
        command.CommandText = "SELECT version FROM mlext_schema_version";
        Assert.AreEqual(1L, command.ExecuteScalar());
    }

    [TestMethod]
    public async Task ANewerSchemaVersionIsRefusedByName()
    {
        using (var storage = OpenStorage())
        {
            await storage.CreateOrOpenStudyAsync("s", false);
        }

        using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE mlext_schema_version SET version = 2";
            command.ExecuteNonQuery();
        }

        using var newer = OpenStorage();
        var e = await Assert.ThrowsExactlyAsync<NotSupportedException>(() => newer.GetTrialsAsync("s"));
        StringAssert.Contains(e.Message, "version 2");
        StringAssert.Contains(e.Message, _path);
    }

    [TestMethod]
    public void BadPathsAndOptionsAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new SqliteTrialStorage(":memory:"));
        var missing = Assert.ThrowsExactly<ArgumentException>(() => new SqliteTrialStorage(Path.Combine(_path + "-missing", "a.db")));
        Assert.AreEqual("path", missing.ParamName);
        var timeout = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new SqliteTrialStorage(_path, new SqliteTrialStorageOptions { BusyTimeout = TimeSpan.Zero }));
        StringAssert.Contains(timeout.Message, "BusyTimeout");
    }
}
