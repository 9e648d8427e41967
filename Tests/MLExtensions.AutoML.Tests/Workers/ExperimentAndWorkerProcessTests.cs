using MLExtensions.AutoML;
using MLExtensions.AutoML.Tests.Worker;

namespace MLExtensions.AutoML.Tests;

/// <summary>An in-process <see cref="AutoMLExperiment"/> and a <see cref="TrialWorker"/> process share one SQLite study.</summary>
[TestClass]
public sealed class ExperimentAndWorkerProcessTests
{
    private string _path = "";

    [TestInitialize]
    public void CreateFile() => _path = TestDatabases.NewSqlitePath();

    [TestCleanup]
    public void DeleteFile() => TestDatabases.DeleteSqlite(_path);

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task BothRunTrialsAndEveryTrialRunsOnce()
    {
        const int trials = 30;
        const string study = "shared";
        using var workers = new WorkerProcesses();
        workers.Start("w0", "--sqlite", _path, "--study", study, "--trials", $"{trials}", "--sleep-ms", "150",
            "--heartbeat-ms", "200", "--stale-ms", "1000", "--poll-ms", "50");

        // Start the experiment once the worker runs its first trial, so that both have work left.
        using var storage = new SqliteTrialStorage(_path);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.IsTrue(DateTime.UtcNow < deadline, "the worker never claimed a trial");
            try
            {
                if ((await storage.GetTrialsAsync(study)).Any(t => t.WorkerId == "w0"))
                {
                    break;
                }
            }
            catch (InvalidOperationException)
            {
                // The worker has not created the study yet.
            }

            await Task.Delay(20);
        }

        var tuner = new GoldenRatioTuner();
        await Experiments.Create((_, x, reporter, ct) => QuadraticTrial.RunAsync(Settings(x, reporter), TimeSpan.FromMilliseconds(150), ct).GetAwaiter().GetResult(), maximize: false)
            .SetTuner(tuner)
            .SetStorage(storage, study)
            .SetHeartbeat(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1))
            .SetMaxTrials(trials).SetRefit(false).RunAsync();

        foreach (var (id, code, output) in await workers.WaitAllAsync(TimeSpan.FromSeconds(90)))
        {
            Assert.AreEqual(0, code, $"worker {id}: {output}");
        }

        var stored = await storage.GetTrialsAsync(study);
        Assert.AreEqual(trials, stored.Count, "no trial lost or added");
        CollectionAssert.AreEqual(Enumerable.Range(0, trials).ToArray(), stored.Select(t => t.TrialId).ToArray());
        Assert.AreEqual(trials, stored.Select(t => t.ParameterJson).Distinct().Count(), "no parameter ran under two ids");
        var notComplete = stored.Where(t => t.State != TrialState.Complete).Select(t => $"{t.TrialId}:{t.State} {t.Error}").ToArray();
        Assert.AreEqual(0, notComplete.Length, $"trials not complete: {string.Join(", ", notComplete)}");
        Assert.IsTrue(stored.All(t => t.IntermediateValues.Count == 3), "each trial reported its 3 steps once: none ran twice");
        foreach (var t in stored)
        {
            var x = Parameter.FromJson(t.ParameterJson)["x"].AsType<double>();
            Assert.AreEqual((x - 0.3) * (x - 0.3), t.Metric!.Value, 1e-15, $"trial {t.TrialId} metric");
        }

        int byWorker = stored.Count(t => t.WorkerId == "w0");
        int byExperiment = stored.Count(t => t.WorkerId is { } w && w.Contains("/worker-", StringComparison.Ordinal));
        Assert.AreEqual(trials, byWorker + byExperiment, string.Join(", ", stored.Select(t => t.WorkerId).Distinct()));
        Assert.IsTrue(byWorker > 0 && byExperiment > 0, $"both contributed: worker {byWorker}, experiment {byExperiment}");
        Assert.IsTrue(tuner.Updates >= byExperiment, "the experiment's tuner learnt from the study");
    }

    private static TrialSettings Settings(double x, ITrialReporter? reporter) => new()
    {
        Parameter = Parameter.CreateNestedParameter(new KeyValuePair<string, Parameter>("x", Parameter.FromDouble(x))),
        Reporter = reporter,
    };
}
