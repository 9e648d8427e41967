using System.Diagnostics;
using System.Runtime.InteropServices;
using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>The trials' peak memory and CPU, and the memory limit (Microsoft.ML.AutoML's <c>SetMaximumMemoryUsageInMegaByte</c>).</summary>
[TestClass]
public sealed class MemoryLimitTests
{
    private const int HogMegaBytes = 768;

    /// <summary>The process's working set in MiB after a full collection.</summary>
    private static double WorkingSetAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Holds <paramref name="megaBytes"/> MiB of touched native memory until the token is cancelled (as a trainer checking it per batch).</summary>
    private static double HoldNativeMemory(int megaBytes, CancellationToken token)
    {
        long bytes = megaBytes * 1024L * 1024L;
        var block = Marshal.AllocHGlobal((nint)bytes);
        try
        {
            for (long offset = 0; offset < bytes; offset += 4096)
            {
                Marshal.WriteByte(block + (nint)offset, 1);
            }

            Experiments.WaitForCancellation(token);
            return 0;
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task ATrialAboveTheMemoryLimitFailsNamingTheLimitAndTheSearchGoesOn()
    {
        double limit = WorkingSetAfterCollection() + HogMegaBytes / 2;
        var result = await Experiments.Create((id, x, _, ct) => id == 1 ? HoldNativeMemory(HogMegaBytes, ct) : x)
            .SetMaximumMemoryUsageInMegaByte(limit)
            .SetPerformanceMonitor(20)
            // Without the guard the holding trial would wait for this limit and end TimedOut.
            .SetTrialTimeLimit(TimeSpan.FromSeconds(20))
            .SetMaxTrials(4).SetRefit(false).RunAsync();

        CollectionAssert.AreEqual(new[] { TrialState.Complete, TrialState.Failed, TrialState.Complete, TrialState.Complete },
            result.Trials.Select(t => t.State).ToArray(), string.Join("; ", result.Trials.Select(t => t.Exception?.Message)));
        var failed = result.Trials[1];
        Assert.IsInstanceOfType<InsufficientMemoryException>(failed.Exception);
        StringAssert.Contains(failed.Exception!.Message, "SetMaximumMemoryUsageInMegaByte");
        StringAssert.Contains(failed.Exception.Message, $"limit of {limit:F0} MB");
        StringAssert.Contains(failed.Exception.Message, "Trial 1");
        Assert.IsTrue(failed.PeakMemoryInMegaByte > limit, $"the failed trial's peak {failed.PeakMemoryInMegaByte} MB is above the limit {limit} MB");
        Assert.IsTrue(double.IsNaN(failed.Loss), "a failed trial has no loss");
        Assert.IsTrue(result.Trials.Where(t => t.State == TrialState.Complete).All(t => t.PeakMemoryInMegaByte < limit),
            "the other trials stayed under the limit");
        StringAssert.Contains(result.ToCsv(), "SetMaximumMemoryUsageInMegaByte");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task AWorkerStoresATrialAboveItsMemoryLimitAsFailedWithTheReason()
    {
        double limit = WorkingSetAfterCollection() + HogMegaBytes / 2;
        using var storage = new InMemoryTrialStorage();
        var worker = new TrialWorker(storage, "memory", false, new TrialWorkerOptions
        {
            MaxTrials = 3,
            MaximumMemoryUsageInMegaByte = limit,
            PerformanceCheckInterval = TimeSpan.FromMilliseconds(20),
            PollInterval = TimeSpan.FromMilliseconds(20),
        });
        using var guardMissing = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var results = await worker.RunAsync((settings, ct) =>
        {
            // Without the guard the holding trial would wait for guardMissing and end Cancelled.
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, guardMissing.Token);
            return Task.FromResult(settings.TrialId == 0 ? HoldNativeMemory(HogMegaBytes, either.Token) : 1.0);
        }, new HistoryTuner());

        var stored = await storage.GetTrialsAsync("memory");
        CollectionAssert.AreEqual(new[] { TrialState.Failed, TrialState.Complete, TrialState.Complete }, stored.Select(t => t.State).ToArray(),
            string.Join("; ", stored.Select(t => t.Error)));
        StringAssert.Contains(stored[0].Error, "SetMaximumMemoryUsageInMegaByte");
        Assert.IsInstanceOfType<InsufficientMemoryException>(results.Single(r => r.TrialSettings.TrialId == 0).Exception);
        Assert.IsTrue(results.All(r => r.PeakMemoryInMegaByte > 0 && r.PeakCpu is >= 0 and <= 1), "the worker measures its trials");
    }

    [TestMethod]
    public async Task EveryTrialHasItsPeakMemoryAndCpu_InItsResultRowsCsvAndJson()
    {
        double before = WorkingSetAfterCollection();
        var result = await Experiments.Create((_, x, _, _) =>
            {
                // Keep one core busy for 150 ms: the peak CPU is then about 1 / cores of the machine.
                var clock = Stopwatch.StartNew();
                double sum = 0;
                while (clock.ElapsedMilliseconds < 150)
                {
                    sum += Math.Sqrt(x + sum);
                }

                return x + (sum > 0 ? 0 : 1);
            })
            .SetPerformanceMonitor(50)
            .SetMaxTrials(3).SetRefit(false).RunAsync();

        foreach (var t in result.Trials)
        {
            Assert.AreEqual(TrialState.Complete, t.State);
            Assert.IsTrue(t.PeakMemoryInMegaByte > before / 2, $"trial {t.TrialSettings.TrialId}: peak memory {t.PeakMemoryInMegaByte} MB (process held {before} MB)");
            Assert.IsTrue(t.PeakCpu is > 0 and <= 1, $"trial {t.TrialSettings.TrialId}: peak CPU {t.PeakCpu}");
            Assert.IsTrue(t.PeakCpu >= 0.5 / Environment.ProcessorCount, $"a busy core shows: peak CPU {t.PeakCpu} on {Environment.ProcessorCount} cores");
        }

        var rows = result.ToRows();
        CollectionAssert.AreEqual(result.Trials.Select(t => t.PeakMemoryInMegaByte!.Value).ToArray(), rows.Select(r => r.PeakMemoryInMegaByte).ToArray());
        CollectionAssert.AreEqual(result.Trials.Select(t => t.PeakCpu!.Value).ToArray(), rows.Select(r => r.PeakCpu).ToArray());
        StringAssert.EndsWith(result.ToCsv().Split('\n')[0], ",Error,PeakCpu,PeakMemoryInMegaByte");
        StringAssert.Contains(result.ToJson(), "\"peakMemoryInMegaByte\"");
        StringAssert.Contains(result.ToJson(), "\"peakCpu\"");
    }

    [TestMethod]
    public void BadLimitsAndIntervalsAreRefusedNamingTheArgument()
    {
        var experiment = new AutoMLExperiment(new Microsoft.ML.MLContext(0));
        foreach (var bad in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetMaximumMemoryUsageInMegaByte(bad));
            Assert.AreEqual("megaBytes", e.ParamName);
        }

        Assert.AreEqual("checkIntervalInMilliseconds",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => experiment.SetPerformanceMonitor(5)).ParamName);
        using var storage = new InMemoryTrialStorage();
        Assert.AreEqual("MaximumMemoryUsageInMegaByte", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TrialWorker(storage, "s", false, new TrialWorkerOptions { MaximumMemoryUsageInMegaByte = 0 })).ParamName);
        Assert.AreEqual("PerformanceCheckInterval", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TrialWorker(storage, "s", false, new TrialWorkerOptions { PerformanceCheckInterval = TimeSpan.FromMilliseconds(1) })).ParamName);
    }
}
