using Microsoft.Data.Sqlite;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The worker loop in this process, on a SQLite file: resume, pruning, failures, cancellation, slots, lost claims.</summary>
[TestClass]
public sealed class TrialWorkerTests
{
    private string _path = "";

    [TestInitialize]
    public void CreateFile() => _path = TestDatabases.NewSqlitePath();

    [TestCleanup]
    public void DeleteFile() => TestDatabases.DeleteSqlite(_path);

    private static Task<double> Quadratic(TrialSettings settings, CancellationToken ct)
    {
        var x = settings.Parameter["x"].AsType<double>();
        settings.Reporter?.Report(1, 2 * (x - 0.3) * (x - 0.3));
        settings.Reporter?.Report(2, (x - 0.3) * (x - 0.3));
        return Task.FromResult((x - 0.3) * (x - 0.3));
    }

    private static TrialWorkerOptions Fast(int? maxTrials) => new()
    {
        MaxTrials = maxTrials,
        HeartbeatInterval = TimeSpan.FromMilliseconds(50),
        PollInterval = TimeSpan.FromMilliseconds(20),
    };

    [TestMethod]
    public async Task AResumedStudyContinuesTheIdsAndTheTunersSearch()
    {
        const int k = 5;
        var uninterruptedPath = TestDatabases.NewSqlitePath();
        try
        {
            IReadOnlyList<StoredTrial> uninterrupted;
            using (var storage = new SqliteTrialStorage(uninterruptedPath))
            {
                await new TrialWorker(storage, "resume", false, Fast(k + 1)).RunAsync(Quadratic, new HistoryTuner());
                uninterrupted = await storage.GetTrialsAsync("resume");
            }

            using (var storage = new SqliteTrialStorage(_path))
            {
                await new TrialWorker(storage, "resume", false, Fast(k)).RunAsync(Quadratic, new HistoryTuner());
            }

            // A new process: new storage, new tuner, same study.
            var tuner = new HistoryTuner();
            using (var storage = new SqliteTrialStorage(_path))
            {
                var results = await new TrialWorker(storage, "resume", false, Fast(k + 1)).RunAsync(Quadratic, tuner);
                Assert.AreEqual(1, results.Count);
                Assert.AreEqual(k, results[0].TrialSettings.TrialId, "trial ids continue");
                Assert.AreEqual(k, tuner.Updates, "the tuner was told about every stored trial");
                var resumed = await storage.GetTrialsAsync("resume");
                CollectionAssert.AreEqual(uninterrupted.Select(t => t.ParameterJson).ToArray(), resumed.Select(t => t.ParameterJson).ToArray(),
                    "the k+1st proposal equals the uninterrupted run's");
            }
        }
        finally
        {
            TestDatabases.DeleteSqlite(uninterruptedPath);
        }
    }

    [TestMethod]
    public async Task APrunedTrialStopsAndAFailingTrialIsRecordedWhileTheWorkerGoesOn()
    {
        using var storage = new SqliteTrialStorage(_path);
        await storage.CreateOrOpenStudyAsync("mixed", isMaximize: true);
        foreach (var x in new[] { 0.3, 0.9, -1.0 })
        {
            await storage.EnqueueAsync("mixed", Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(x))).ToJson());
        }

        var options = Fast(null);
        options.Pruner = new PruneWorseThan(-0.1);
        var results = await new TrialWorker(storage, "mixed", isMaximize: true, options).RunAsync(async (settings, ct) =>
        {
            var x = settings.Parameter["x"].AsType<double>();
            if (x < 0)
            {
                throw new InvalidOperationException("negative x");
            }

            var metric = -(x - 0.3) * (x - 0.3);
            for (var step = 1; step <= 4; step++)
            {
                settings.Reporter!.Report(step, metric);
                if (settings.Reporter.ShouldPrune())
                {
                    return metric;
                }
            }

            await Task.Yield();
            return metric;
        });

        Assert.AreEqual(3, results.Count);
        var stored = await storage.GetTrialsAsync("mixed");
        Assert.AreEqual(TrialState.Complete, stored[0].State);
        Assert.AreEqual(4, stored[0].IntermediateValues.Count);
        Assert.AreEqual(-0.0, stored[0].Loss!.Value, 1e-15);
        Assert.AreEqual(TrialState.Pruned, stored[1].State, "loss 0.36 > 0.1 is pruned at its first report");
        Assert.AreEqual(1, stored[1].IntermediateValues.Count);
        Assert.AreEqual(0.36, stored[1].Loss!.Value, 1e-12, "the loss of a maximized metric is its negation");
        Assert.AreEqual(TrialState.Failed, stored[2].State);
        Assert.AreEqual("negative x", stored[2].Error);
    }

    [TestMethod]
    public async Task CancellingTheWorkerRecordsTheRunningTrialAsCancelled()
    {
        using var storage = new SqliteTrialStorage(_path);
        using var stop = new CancellationTokenSource();
        var results = await new TrialWorker(storage, "stop", false, Fast(10)).RunAsync(async (settings, ct) =>
        {
            if (settings.TrialId == 2)
            {
                await stop.CancelAsync();
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }

            return 1.0;
        }, new HistoryTuner(), stop.Token);

        Assert.AreEqual(3, results.Count);
        var stored = await storage.GetTrialsAsync("stop");
        Assert.AreEqual(3, stored.Count, "no trial proposed after the stop");
        Assert.AreEqual(TrialState.Cancelled, stored[2].State);
        Assert.AreEqual(TrialState.Cancelled, results[2].State);
    }

    [TestMethod]
    public async Task SlotsRunTrialsAtOnceAndEachTrialOnce()
    {
        using var storage = new SqliteTrialStorage(_path);
        var options = Fast(12);
        options.ParallelTrials = 3;
        var running = 0;
        var most = 0;
        var results = await new TrialWorker(storage, "slots", false, options).RunAsync(async (settings, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            lock (options)
            {
                most = Math.Max(most, now);
            }

            await Task.Delay(60, ct);
            Interlocked.Decrement(ref running);
            return settings.Parameter["x"].AsType<double>();
        }, new HistoryTuner());

        Assert.AreEqual(12, results.Count);
        Assert.IsTrue(most >= 2, $"at most {most} trial ran at once");
        var stored = await storage.GetTrialsAsync("slots");
        Assert.AreEqual(12, stored.Select(t => t.TrialId).Distinct().Count());
        Assert.IsTrue(stored.All(t => t.State == TrialState.Complete));
        Assert.IsTrue(stored.All(t => t.WorkerId!.Contains('/', StringComparison.Ordinal)), "slots claim under their own ids");
    }

    [TestMethod]
    public async Task AWorkerThatLosesItsClaimAbandonsTheTrialWithoutFinishingIt()
    {
        using var storage = new SqliteTrialStorage(_path);
        await storage.CreateOrOpenStudyAsync("lost", false);
        await storage.EnqueueAsync("lost", """{"x":0.5}""");
        var options = Fast(null);
        options.WaitForRunningTrials = false;
        var cancelled = false;
        var results = await new TrialWorker(storage, "lost", false, options).RunAsync(async (settings, ct) =>
        {
            // Another worker takes the trial over (as after a reclaim), behind this worker's back.
            using (var connection = new SqliteConnection($"Data Source={_path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "UPDATE mlext_trials SET worker_id = 'thief'";
                command.ExecuteNonQuery();
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }

            return 0;
        });

        Assert.IsTrue(cancelled, "the heartbeat noticed the lost claim and cancelled the trial");
        Assert.AreEqual(0, results.Count);
        var trial = (await storage.GetTrialsAsync("lost")).Single();
        Assert.AreEqual(TrialState.Running, trial.State, "the new holder's trial is untouched");
        Assert.AreEqual("thief", trial.WorkerId);
    }

    [TestMethod]
    public void BadOptionsAreRefusedByName()
    {
        using var storage = new SqliteTrialStorage(_path);
        var stale = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrialWorker(storage, "s", false,
            new TrialWorkerOptions { HeartbeatInterval = TimeSpan.FromSeconds(2), StaleAfter = TimeSpan.FromSeconds(1) }));
        Assert.AreEqual("StaleAfter", stale.ParamName);
        var slots = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrialWorker(storage, "s", false,
            new TrialWorkerOptions { ParallelTrials = 0 }));
        Assert.AreEqual("ParallelTrials", slots.ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => new TrialWorker(storage, "bad name", false));
    }

    /// <summary>Prunes a trial whose reported loss exceeds a threshold.</summary>
    private sealed class PruneWorseThan(double metricThreshold) : IPruner
    {
        public bool ShouldPrune(int trialId, int step, double loss, ITrialHistory history)
        {
            Assert.IsTrue(history.TrialIds.Contains(trialId), "the pruner sees the stored history, this trial included");
            Assert.AreEqual(loss, history.GetIntermediateLosses(trialId)[^1].Loss, "the history holds the value just reported, as a loss");
            return loss > -metricThreshold;
        }
    }
}
