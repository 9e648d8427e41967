using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>
/// Four worker processes share one study (SQLite file or PostgreSQL): every trial runs exactly once, none is lost, and a
/// killed worker's trial is reclaimed and finished by a survivor.
/// </summary>
public abstract class WorkerProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The worker arguments that select the storage.</summary>
    protected abstract string[] StorageArguments { get; }

    /// <summary>A storage on the same database, to check the results.</summary>
    protected abstract SqlTrialStorage OpenStorage();

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task FourWorkersFinishEveryTrialOnceWithATunerOverTheSharedHistory()
    {
        const int trials = 40;
        var study = TestDatabases.NewStudyName("workers");
        using var workers = new WorkerProcesses();
        for (var w = 0; w < 4; w++)
        {
            workers.Start($"w{w}", [.. StorageArguments, "--study", study, "--trials", $"{trials}", "--sleep-ms", "30"]);
        }

        var exits = await workers.WaitAllAsync(Timeout);
        foreach (var (id, code, output) in exits)
        {
            Assert.AreEqual(0, code, $"worker {id}: {output}");
        }

        using var storage = OpenStorage();
        var stored = await storage.GetTrialsAsync(study);
        AssertEveryTrialCompleteOnce(stored, trials);
        Assert.IsTrue(stored.All(t => t.IntermediateValues.Count == 3), "each trial reported its 3 steps once");
        Assert.IsTrue(stored.Select(t => t.WorkerId).Distinct().Count() >= 2, "the work was shared");
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task AKilledWorkersTrialIsReclaimedAndFinishedBySurvivors()
    {
        const int trials = 16;
        var study = TestDatabases.NewStudyName("kill");
        using (var setup = OpenStorage())
        {
            // Queue mode: the trials are enqueued up front and the workers only claim them.
            await setup.CreateOrOpenStudyAsync(study, isMaximize: false);
            for (var i = 0; i < trials; i++)
            {
                await setup.EnqueueAsync(study, Parameter.CreateNestedParameter(
                    new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(i / (double)trials))).ToJson());
            }
        }

        using var workers = new WorkerProcesses();
        var processes = Enumerable.Range(0, 4).Select(w => workers.Start($"w{w}",
        [
            .. StorageArguments, "--study", study, "--trials", $"{trials}", "--queue", "--sleep-ms", "600",
            "--heartbeat-ms", "100", "--stale-ms", "1500", "--poll-ms", "100",
        ])).ToArray();

        // Kill the first worker seen mid-trial: running, with at least one intermediate value stored.
        using var storage = OpenStorage();
        StoredTrial? victimTrial = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (victimTrial is null)
        {
            Assert.IsTrue(DateTime.UtcNow < deadline, "no worker was seen mid-trial");
            victimTrial = (await storage.GetTrialsAsync(study))
                .FirstOrDefault(t => t.State == TrialState.Running && t.IntermediateValues.Count > 0);
            if (victimTrial is null)
            {
                await Task.Delay(20);
            }
        }

        var victim = int.Parse(victimTrial.WorkerId!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        processes[victim].Kill(entireProcessTree: true);

        var exits = await workers.WaitAllAsync(Timeout);
        foreach (var (id, code, output) in exits.Where(e => e.Id != $"w{victim}"))
        {
            Assert.AreEqual(0, code, $"worker {id}: {output}");
        }

        var stored = await storage.GetTrialsAsync(study);
        AssertEveryTrialCompleteOnce(stored, trials);
        var rerun = stored.Single(t => t.TrialId == victimTrial.TrialId);
        Assert.AreNotEqual(victimTrial.WorkerId, rerun.WorkerId, "a surviving worker reran the killed worker's trial");
        Assert.AreEqual(3, rerun.IntermediateValues.Count, "the rerun reported its steps from the start, once each");
    }

    private static void AssertEveryTrialCompleteOnce(IReadOnlyList<StoredTrial> stored, int trials)
    {
        Assert.AreEqual(trials, stored.Count, "no trial lost or added");
        Assert.AreEqual(trials, stored.Select(t => t.TrialId).Distinct().Count(), "trial ids distinct");
        Assert.AreEqual(trials, stored.Select(t => t.ParameterJson).Distinct().Count(), "no parameter ran under two ids");
        CollectionAssert.AreEqual(Enumerable.Range(0, trials).ToArray(), stored.Select(t => t.TrialId).ToArray());
        var notComplete = stored.Where(t => t.State != TrialState.Complete).Select(t => $"{t.TrialId}:{t.State} {t.Error}").ToArray();
        Assert.AreEqual(0, notComplete.Length, $"trials not complete: {string.Join(", ", notComplete)}");
        foreach (var t in stored)
        {
            var x = Parameter.FromJson(t.ParameterJson)["x"].AsType<double>();
            Assert.AreEqual((x - 0.3) * (x - 0.3), t.Metric!.Value, 1e-15, $"trial {t.TrialId} metric");
        }
    }
}
