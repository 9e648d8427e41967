using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// What every SQL trial storage must do, run against SQLite (<see cref="SqliteTrialStorageTests"/>) and PostgreSQL
/// (<see cref="PostgresTrialStorageTests"/>).
/// </summary>
public abstract class SqlTrialStorageContractTests
{
    /// <summary>A new storage instance on the test database (several may be open on it at once).</summary>
    protected abstract SqlTrialStorage OpenStorage();

    private static string X(double x) => Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(x))).ToJson();

    [TestMethod]
    public async Task EnqueuedTrialsAreClaimedOldestFirstWithIdsFromZero()
    {
        using var storage = OpenStorage();
        var study = TestDatabases.NewStudyName("queue");
        await storage.CreateOrOpenStudyAsync(study, isMaximize: false);
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await storage.EnqueueAsync(study, X(i / 10.0)));
        }

        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, ids);
        var first = await storage.ClaimAsync(study, "w1");
        Assert.IsNotNull(first);
        Assert.AreEqual(0, first.TrialId);
        Assert.AreEqual(TrialState.Running, first.State);
        Assert.AreEqual("w1", first.WorkerId);
        Assert.AreEqual(X(0), first.ParameterJson);
        Assert.IsNotNull(first.HeartbeatUtc);
        Assert.AreEqual(1, (await storage.ClaimAsync(study, "w2"))!.TrialId);
        Assert.AreEqual(2, (await storage.ClaimAsync(study, "w1"))!.TrialId);
        Assert.IsNull(await storage.ClaimAsync(study, "w1"));
    }

    [TestMethod]
    public async Task ProposeAndClaimSeesTheHistoryAndTheNextIdAndANullProposalStoresNothing()
    {
        using var storage = OpenStorage();
        var study = TestDatabases.NewStudyName("propose");
        await storage.CreateOrOpenStudyAsync(study, isMaximize: true);
        await storage.EnqueueAsync(study, X(0.5));
        var seen = -1;
        var trial = await storage.ProposeAndClaimAsync(study, "w", (history, id) =>
        {
            seen = history.Count;
            Assert.AreEqual(1, id);
            return X(0.25);
        });
        Assert.AreEqual(1, seen);
        Assert.AreEqual(1, trial!.TrialId);
        Assert.AreEqual(TrialState.Running, trial.State);
        Assert.AreEqual("w", trial.WorkerId);

        Assert.IsNull(await storage.ProposeAndClaimAsync(study, "w", (history, id) => null));
        Assert.AreEqual(2, (await storage.ProposeAndClaimAsync(study, "w", (history, id) => X(id)))!.TrialId, "a null proposal must not use an id");
        Assert.AreEqual(3, (await storage.GetTrialsAsync(study)).Count);
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => storage.ProposeAndClaimAsync(study, "w", (h, id) => "{not json"));
        Assert.AreEqual(3, (await storage.GetTrialsAsync(study)).Count);
    }

    [TestMethod]
    public async Task ConcurrentClaimsFromSeveralStorageInstancesTakeEachTrialOnce()
    {
        var study = TestDatabases.NewStudyName("claims");
        using (var setup = OpenStorage())
        {
            await setup.CreateOrOpenStudyAsync(study, false);
            for (var i = 0; i < 40; i++)
            {
                await setup.EnqueueAsync(study, X(i));
            }
        }

        var storages = Enumerable.Range(0, 4).Select(_ => OpenStorage()).ToArray();
        try
        {
            var claims = await Task.WhenAll(storages.Select((s, w) => Task.Run(async () =>
            {
                var mine = new List<int>();
                while (await s.ClaimAsync(study, $"w{w}") is { } t)
                {
                    mine.Add(t.TrialId);
                }

                return mine;
            })));
            var all = claims.SelectMany(c => c).ToList();
            Assert.AreEqual(40, all.Count, "every trial claimed exactly once");
            Assert.AreEqual(40, all.Distinct().Count(), "no trial claimed twice");
        }
        finally
        {
            foreach (var s in storages)
            {
                s.Dispose();
            }
        }
    }

    [TestMethod]
    public async Task ConcurrentProposalsNeverShareAHistory()
    {
        var study = TestDatabases.NewStudyName("proposals");
        var storages = Enumerable.Range(0, 4).Select(_ => OpenStorage()).ToArray();
        try
        {
            await storages[0].CreateOrOpenStudyAsync(study, false);
            var seen = await Task.WhenAll(storages.Select((s, w) => Task.Run(async () =>
            {
                var counts = new List<(int HistoryCount, int Id)>();
                for (var i = 0; i < 10; i++)
                {
                    var count = -1;
                    var trial = await s.ProposeAndClaimAsync(study, $"w{w}", (history, id) =>
                    {
                        count = history.Count;
                        Thread.Sleep(1); // widen the window a non-atomic implementation would lose
                        return X(id);
                    });
                    counts.Add((count, trial!.TrialId));
                }

                return counts;
            })));
            var all = seen.SelectMany(c => c).ToList();
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 40).ToList(), all.Select(c => c.HistoryCount).ToList(),
                "each proposal saw every earlier trial and no other proposal saw the same history");
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 40).ToList(), all.Select(c => c.Id).ToList());
            Assert.IsTrue(all.All(c => c.Id == c.HistoryCount));
        }
        finally
        {
            foreach (var s in storages)
            {
                s.Dispose();
            }
        }
    }

    [TestMethod]
    public async Task StaleTrialsAreReclaimedWithoutTheirValuesAndTheirOldWorkerLosesThem()
    {
        using var storage = OpenStorage();
        var study = TestDatabases.NewStudyName("reclaim");
        await storage.CreateOrOpenStudyAsync(study, false);
        await storage.EnqueueAsync(study, X(1));
        await storage.EnqueueAsync(study, X(2));
        var dead = (await storage.ClaimAsync(study, "dead"))!;
        var alive = (await storage.ClaimAsync(study, "alive"))!;
        await storage.ReportAsync(study, dead.TrialId, 1, 0.5);
        Assert.AreEqual(0, await storage.ReclaimStaleAsync(study, TimeSpan.FromSeconds(30)), "fresh heartbeats are not stale");

        await Task.Delay(400);
        await storage.HeartbeatAsync(study, alive.TrialId, "alive");
        Assert.AreEqual(1, await storage.ReclaimStaleAsync(study, TimeSpan.FromMilliseconds(250)));
        var trials = await storage.GetTrialsAsync(study);
        Assert.AreEqual(TrialState.Waiting, trials[0].State);
        Assert.IsNull(trials[0].WorkerId);
        Assert.AreEqual(0, trials[0].IntermediateValues.Count, "a reclaimed trial reruns from the start");
        Assert.AreEqual(TrialState.Running, trials[1].State);

        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(() => storage.HeartbeatAsync(study, dead.TrialId, "dead"));
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(() => storage.ReportAsync(study, dead.TrialId, 2, 0.4));
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(
            () => storage.FinishAsync(study, dead.TrialId, TrialState.Complete, 1, 1, null, 10));
        var again = (await storage.ClaimAsync(study, "alive"))!;
        Assert.AreEqual(dead.TrialId, again.TrialId, "the reclaimed trial keeps its id");
        Assert.AreEqual(dead.ParameterJson, again.ParameterJson);
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(() => storage.HeartbeatAsync(study, again.TrialId, "dead"));

        // The old worker cannot write into or end the rerun; the new holder can.
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(() => storage.ReportAsync(study, again.TrialId, "dead", 1, 9.0));
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(
            () => storage.FinishAsync(study, again.TrialId, "dead", TrialState.Failed, null, null, "late", 1));
        await storage.ReportAsync(study, again.TrialId, "alive", 1, 0.3);
        await storage.FinishAsync(study, again.TrialId, "alive", TrialState.Complete, 0.2, 0.2, null, 7);
        var rerun = (await storage.GetTrialsAsync(study))[dead.TrialId];
        Assert.AreEqual(TrialState.Complete, rerun.State);
        Assert.AreEqual("alive", rerun.WorkerId);
        CollectionAssert.AreEqual(new[] { (1, 0.3) }, rerun.IntermediateValues.ToArray());
    }

    [TestMethod]
    public async Task ReportAndFinishAreStoredAndBadValuesAreRefused()
    {
        using var storage = OpenStorage();
        var study = TestDatabases.NewStudyName("finish");
        await storage.CreateOrOpenStudyAsync(study, true);
        var trial = (await storage.ProposeAndClaimAsync(study, "w", (h, id) => X(0.125)))!;
        await storage.ReportAsync(study, trial.TrialId, 1, 0.25);
        await storage.ReportAsync(study, trial.TrialId, 2, 0.5);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => storage.ReportAsync(study, trial.TrialId, 2, 0.6));
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(() => storage.ReportAsync(study, trial.TrialId, 3, double.NaN));
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(
            () => storage.FinishAsync(study, trial.TrialId, TrialState.Running, 1, -1, null, 1));
        await storage.FinishAsync(study, trial.TrialId, TrialState.Complete, 0.75, -0.75, null, 12.5);
        await Assert.ThrowsExactlyAsync<TrialClaimLostException>(
            () => storage.FinishAsync(study, trial.TrialId, TrialState.Failed, null, null, "late", 1));
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(
            () => storage.FinishAsync(study, 99, TrialState.Complete, 1, -1, null, 1));

        var failed = (await storage.ProposeAndClaimAsync(study, "w", (h, id) => X(0.5)))!;
        await storage.FinishAsync(study, failed.TrialId, TrialState.Failed, double.NaN, double.NaN, "boom", 3);

        var stored = await storage.GetTrialsAsync(study);
        Assert.AreEqual(TrialState.Complete, stored[0].State);
        Assert.AreEqual(0.75, stored[0].Metric);
        Assert.AreEqual(-0.75, stored[0].Loss);
        Assert.AreEqual(12.5, stored[0].DurationInMilliseconds);
        Assert.IsNotNull(stored[0].EndedAtUtc);
        CollectionAssert.AreEqual(new[] { (1, 0.25), (2, 0.5) }, stored[0].IntermediateValues.ToArray());
        Assert.AreEqual(TrialState.Failed, stored[1].State);
        Assert.IsNull(stored[1].Metric, "NaN is stored as no value");
        Assert.AreEqual("boom", stored[1].Error);
    }

    [TestMethod]
    public async Task StudiesAreSeparateAndCheckedAndNamesCannotInjectSql()
    {
        using var storage = OpenStorage();
        var a = TestDatabases.NewStudyName("a");
        var b = TestDatabases.NewStudyName("b");
        await storage.CreateOrOpenStudyAsync(a, isMaximize: true);
        await storage.CreateOrOpenStudyAsync(b, isMaximize: false);
        await storage.EnqueueAsync(a, X(1));
        Assert.AreEqual(0, await storage.EnqueueAsync(b, X(2)), "ids are per study");
        Assert.AreEqual(1, (await storage.GetTrialsAsync(b)).Count);

        await storage.CreateOrOpenStudyAsync(a, isMaximize: true);
        var direction = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => storage.CreateOrOpenStudyAsync(a, isMaximize: false));
        StringAssert.Contains(direction.Message, "isMaximize");
        var unknown = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => storage.GetTrialsAsync("never-created"));
        StringAssert.Contains(unknown.Message, "never-created");
        var injection = await Assert.ThrowsExactlyAsync<ArgumentException>(
            () => storage.CreateOrOpenStudyAsync("x'); DROP TABLE mlext_trials; --", false));
        Assert.AreEqual("studyName", injection.ParamName);
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => storage.EnqueueAsync(a, "[1,"));
        Assert.AreEqual(1, (await storage.GetTrialsAsync(a)).Count);
    }

    [TestMethod]
    public async Task AReopenedStorageHasTheStudyAndContinuesItsIds()
    {
        var study = TestDatabases.NewStudyName("reopen");
        using (var first = OpenStorage())
        {
            await first.CreateOrOpenStudyAsync(study, false);
            var t = (await first.ProposeAndClaimAsync(study, "w", (h, id) => X(0.1)))!;
            await first.FinishAsync(study, t.TrialId, TrialState.Complete, 0.04, 0.04, null, 5);
            await first.EnqueueAsync(study, X(0.2));
        }

        using var second = OpenStorage();
        await second.CreateOrOpenStudyAsync(study, false);
        var trials = await second.GetTrialsAsync(study);
        Assert.AreEqual(2, trials.Count);
        Assert.AreEqual(0.04, trials[0].Metric);
        Assert.AreEqual(2, (await second.ProposeAndClaimAsync(study, "w", (h, id) => X(0.3)))!.TrialId);
    }
}
