using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>Worker processes on the PostgreSQL server of MLEXT_POSTGRES (the connection string reaches them through the environment).</summary>
[TestClass]
public sealed class PostgresWorkerProcessTests : WorkerProcessTests
{
    [TestInitialize]
    public void RequireServer() => TestDatabases.PostgresConnectionString();

    protected override string[] StorageArguments => ["--postgres-env", TestDatabases.PostgresVariable];

    protected override SqlTrialStorage OpenStorage() => new PostgresTrialStorage(TestDatabases.PostgresConnectionString());
}
