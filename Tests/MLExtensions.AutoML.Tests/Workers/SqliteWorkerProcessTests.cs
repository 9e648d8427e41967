using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Worker processes on one SQLite file.</summary>
[TestClass]
public sealed class SqliteWorkerProcessTests : WorkerProcessTests
{
    private string _path = "";

    [TestInitialize]
    public void CreateFile() => _path = TestDatabases.NewSqlitePath();

    [TestCleanup]
    public void DeleteFile() => TestDatabases.DeleteSqlite(_path);

    protected override string[] StorageArguments => ["--sqlite", _path];

    protected override SqlTrialStorage OpenStorage() => new SqliteTrialStorage(_path);
}
