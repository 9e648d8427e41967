using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The storage contract on the PostgreSQL server of MLEXT_POSTGRES (inconclusive when it is not set).</summary>
[TestClass]
public sealed class PostgresTrialStorageTests : SqlTrialStorageContractTests
{
    protected override SqlTrialStorage OpenStorage() => new PostgresTrialStorage(TestDatabases.PostgresConnectionString());

    [TestMethod]
    public void ABadConnectionStringIsRefusedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new PostgresTrialStorage("Host=localhost;NoSuchKeyword=1"));
        Assert.AreEqual("connectionString", e.ParamName);
    }

    [TestMethod]
    public void TheDescriptionNamesTheServerButNotThePassword()
    {
        using var storage = new PostgresTrialStorage("Host=db.example;Port=6543;Database=automl;Username=u;Password=secret-value");
        StringAssert.Contains(storage.ToString(), "db.example");
        Assert.IsFalse(storage.ToString().Contains("secret-value", StringComparison.Ordinal));
    }
}
