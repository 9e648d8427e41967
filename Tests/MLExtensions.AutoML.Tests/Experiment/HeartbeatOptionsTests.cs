using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The experiment's heartbeat interval and staleness limit (<see cref="AutoMLExperiment.SetHeartbeat"/>).</summary>
[TestClass]
public sealed class HeartbeatOptionsTests
{
    [TestMethod]
    public void BadSettingsNameTheParameter()
    {
        var experiment = Experiments.Create((_, x, _, _) => x);
        Assert.AreEqual("interval", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetHeartbeat(TimeSpan.Zero)).ParamName);
        Assert.AreEqual("interval", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetHeartbeat(TimeSpan.FromSeconds(-1))).ParamName);
        Assert.AreEqual("staleAfter", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetHeartbeat(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1))).ParamName);
        Assert.AreEqual("staleAfter", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetHeartbeat(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))).ParamName);
        Assert.AreEqual(TimeSpan.FromSeconds(10), experiment.HeartbeatInterval, "a rejected call changes nothing");
        Assert.AreEqual(TimeSpan.FromSeconds(20), experiment.StaleAfter, "default: twice the interval");
        experiment.SetHeartbeat(TimeSpan.FromSeconds(3));
        Assert.AreEqual(TimeSpan.FromSeconds(6), experiment.StaleAfter);
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task RunningTrialsBeatAtTheIntervalAndStaleTrialsAreReclaimedAfterTheLimit()
    {
        using var storage = new CountingStorage(new InMemoryTrialStorage());
        await storage.CreateOrOpenStudyAsync("s", isMaximize: true);
        // A trial claimed by a worker that died at once: its heartbeat is never refreshed.
        await storage.EnqueueAsync("s", """{"x":0.25}""");
        Assert.IsNotNull(await storage.ClaimAsync("s", "dead-worker"));
        await Task.Delay(300);

        var result = await Experiments.Create((_, x, _, _) =>
            {
                Thread.Sleep(250);
                return x;
            })
            .SetStorage(storage, "s")
            .SetHeartbeat(TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(200))
            .SetMaxTrials(2).SetRefit(false).RunAsync();

        Assert.IsTrue(!storage.StaleLimits.IsEmpty && storage.StaleLimits.All(s => s == TimeSpan.FromMilliseconds(200)), string.Join(", ", storage.StaleLimits));
        var reclaimed = result.Trials.Single(t => t.TrialSettings.TrialId == 0);
        Assert.AreEqual(TrialState.Complete, reclaimed.State, "the dead worker's trial went stale after 200 ms and was rerun");
        Assert.AreEqual(0.25, reclaimed.Metric);
        Assert.IsTrue(storage.Heartbeats >= 4, $"a trial of 250 ms beating every 40 ms: {storage.Heartbeats} beats");
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task WithTheDefaultsAShortTrialSendsNoBeat()
    {
        using var storage = new CountingStorage(new InMemoryTrialStorage());
        await Experiments.Create((_, x, _, _) =>
            {
                Thread.Sleep(100);
                return x;
            })
            .SetStorage(storage, "s").SetMaxTrials(1).SetRefit(false).RunAsync();
        Assert.AreEqual(0, storage.Heartbeats);
        Assert.IsTrue(storage.StaleLimits.All(s => s == TimeSpan.FromSeconds(20)));
    }

    /// <summary>Counts heartbeats and records the staleness limits the experiment reclaims with.</summary>
    private sealed class CountingStorage(ITrialStorage inner) : ITrialStorage
    {
        private int _heartbeats;

        public int Heartbeats => Volatile.Read(ref _heartbeats);

        public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> StaleLimits { get; } = new();

        public Task CreateOrOpenStudyAsync(string studyName, bool isMaximize, CancellationToken cancellationToken = default) =>
            inner.CreateOrOpenStudyAsync(studyName, isMaximize, cancellationToken);

        public Task<int> EnqueueAsync(string studyName, string parameterJson, CancellationToken cancellationToken = default) =>
            inner.EnqueueAsync(studyName, parameterJson, cancellationToken);

        public Task<StoredTrial?> ClaimAsync(string studyName, string workerId, CancellationToken cancellationToken = default) =>
            inner.ClaimAsync(studyName, workerId, cancellationToken);

        public Task<StoredTrial?> ProposeAndClaimAsync(string studyName, string workerId, Func<IReadOnlyList<StoredTrial>, int, string?> propose, CancellationToken cancellationToken = default) =>
            inner.ProposeAndClaimAsync(studyName, workerId, propose, cancellationToken);

        public Task ReportAsync(string studyName, int trialId, int step, double value, CancellationToken cancellationToken = default) =>
            inner.ReportAsync(studyName, trialId, step, value, cancellationToken);

        public Task ReportAsync(string studyName, int trialId, string workerId, int step, double value, CancellationToken cancellationToken = default) =>
            inner.ReportAsync(studyName, trialId, workerId, step, value, cancellationToken);

        public Task HeartbeatAsync(string studyName, int trialId, string workerId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _heartbeats);
            return inner.HeartbeatAsync(studyName, trialId, workerId, cancellationToken);
        }

        public Task FinishAsync(string studyName, int trialId, TrialState state, double? metric, double? loss, string? error, double durationInMilliseconds, CancellationToken cancellationToken = default) =>
            inner.FinishAsync(studyName, trialId, state, metric, loss, error, durationInMilliseconds, cancellationToken);

        public Task FinishAsync(string studyName, int trialId, string workerId, TrialState state, double? metric, double? loss, string? error, double durationInMilliseconds, CancellationToken cancellationToken = default) =>
            inner.FinishAsync(studyName, trialId, workerId, state, metric, loss, error, durationInMilliseconds, cancellationToken);

        public Task<int> ReclaimStaleAsync(string studyName, TimeSpan staleAfter, CancellationToken cancellationToken = default)
        {
            StaleLimits.Enqueue(staleAfter);
            return inner.ReclaimStaleAsync(studyName, staleAfter, cancellationToken);
        }

        public Task<IReadOnlyList<StoredTrial>> GetTrialsAsync(string studyName, CancellationToken cancellationToken = default) =>
            inner.GetTrialsAsync(studyName, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
