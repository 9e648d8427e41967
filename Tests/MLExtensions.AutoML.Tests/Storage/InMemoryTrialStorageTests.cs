using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

[TestClass]
public sealed class InMemoryTrialStorageTests
{
    [TestMethod]
    public async Task EnqueueClaimReportFinish()
    {
        using var s = new InMemoryTrialStorage();
        await s.CreateOrOpenStudyAsync("s", isMaximize: true);
        Assert.AreEqual(0, await s.EnqueueAsync("s", "{\"x\":1}"));
        Assert.AreEqual(1, await s.EnqueueAsync("s", "{\"x\":2}"));
        var claimed = await s.ClaimAsync("s", "w1");
        Assert.AreEqual(0, claimed!.TrialId);
        Assert.AreEqual(TrialState.Running, claimed.State);
        await s.ReportAsync("s", 0, 2, 0.5);
        await s.ReportAsync("s", 0, 1, 0.4);
        await s.FinishAsync("s", 0, TrialState.Complete, 0.9, -0.9, null, 12);
        var trials = await s.GetTrialsAsync("s");
        Assert.AreEqual(TrialState.Complete, trials[0].State);
        CollectionAssert.AreEqual(new[] { (1, 0.4), (2, 0.5) }, trials[0].IntermediateValues.ToArray());
        Assert.AreEqual(TrialState.Waiting, trials[1].State);
        Assert.AreEqual(1, (await s.ClaimAsync("s", "w2"))!.TrialId);
        Assert.IsNull(await s.ClaimAsync("s", "w3"));
    }

    [TestMethod]
    public async Task ConcurrentProposalsGetDistinctIds()
    {
        using var s = new InMemoryTrialStorage();
        await s.CreateOrOpenStudyAsync("s", false);
        var tasks = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var ids = new List<int>();
            for (int i = 0; i < 25; i++)
            {
                var t = await s.ProposeAndClaimAsync("s", $"w{w}", (existing, id) =>
                {
                    Assert.AreEqual(existing.Count, id);
                    return $"{{\"id\":{id}}}";
                });
                ids.Add(t!.TrialId);
            }

            return ids;
        })).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(x => x).OrderBy(x => x).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).ToArray(), all);
        var stored = await s.GetTrialsAsync("s");
        Assert.IsTrue(stored.All(t => t.ParameterJson == $"{{\"id\":{t.TrialId}}}" && t.State == TrialState.Running));
    }

    [TestMethod]
    public async Task StaleRunningTrialsAreReclaimed()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using var s = new InMemoryTrialStorage(() => now);
        await s.CreateOrOpenStudyAsync("s", false);
        await s.EnqueueAsync("s", "{}");
        await s.EnqueueAsync("s", "{}");
        await s.ClaimAsync("s", "a");
        await s.ClaimAsync("s", "b");
        now = now.AddSeconds(30);
        await s.HeartbeatAsync("s", 1, "b");
        now = now.AddSeconds(30);
        Assert.AreEqual(1, await s.ReclaimStaleAsync("s", TimeSpan.FromSeconds(45)));
        var trials = await s.GetTrialsAsync("s");
        Assert.AreEqual(TrialState.Waiting, trials[0].State);
        Assert.AreEqual(TrialState.Running, trials[1].State);
        Assert.AreEqual(0, (await s.ClaimAsync("s", "c"))!.TrialId);
    }

    [TestMethod]
    public async Task MisuseGetsClearErrors()
    {
        using var s = new InMemoryTrialStorage();
        await s.CreateOrOpenStudyAsync("s", true);
        StringAssert.Contains((await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => s.CreateOrOpenStudyAsync("s", false))).Message, "isMaximize");
        StringAssert.Contains((await Assert.ThrowsExactlyAsync<KeyNotFoundException>(() => s.EnqueueAsync("nope", "{}"))).Message, "nope");
        await s.EnqueueAsync("s", "{}");
        StringAssert.Contains((await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => s.ReportAsync("s", 0, 1, 1))).Message, "Waiting");
        await s.ClaimAsync("s", "w");
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(() => s.FinishAsync("s", 0, TrialState.Running, null, null, null, 0));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => s.HeartbeatAsync("s", 0, "other"));
    }
}
