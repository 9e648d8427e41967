using MLExtensions.AutoML;

namespace MLExtensions.AutoML.Tests;

/// <summary>An <see cref="AutoMLExperiment"/> on a <see cref="SqliteTrialStorage"/>: a stopped study resumes where it stopped.</summary>
[TestClass]
public sealed class ExperimentOnSqliteTests
{
    private readonly List<string> _paths = [];

    [TestCleanup]
    public void DeleteFiles() => _paths.ForEach(TestDatabases.DeleteSqlite);

    private string NewPath()
    {
        var path = TestDatabases.NewSqlitePath();
        _paths.Add(path);
        return path;
    }

    private static double Trial(int id, double x, ITrialReporter? reporter, CancellationToken ct) => -(x - 0.3) * (x - 0.3);

    private static async Task<(AutoMLExperimentResult Result, IReadOnlyList<StoredTrial> Stored, HistoryTuner Tuner)> RunAsync(
        string path, int maxTrials)
    {
        var tuner = new HistoryTuner();
        using var storage = new SqliteTrialStorage(path);
        var result = await Experiments.Create(Trial).SetTuner(tuner).SetStorage(storage, "study").SetMaxTrials(maxTrials).SetRefit(false)
            .RunAsync();
        return (result, await storage.GetTrialsAsync("study"), tuner);
    }

    [TestMethod]
    public async Task AStoppedExperimentResumesWithTheNextIdAndTheTunersHistory()
    {
        const int k = 4;
        var (_, uninterrupted, _) = await RunAsync(NewPath(), k + 1);

        var path = NewPath();
        var (first, _, _) = await RunAsync(path, k);
        Assert.AreEqual(k, first.Trials.Count);

        // A new process: a new storage, experiment and tuner on the same file.
        var (resumed, stored, tuner) = await RunAsync(path, k + 1);
        Assert.AreEqual(k + 1, stored.Count, "the budget counts the study's stored trials");
        Assert.AreEqual(k, stored[^1].TrialId, "trial ids continue");
        Assert.AreEqual(k + 1, tuner.Updates, "the k stored trials were replayed into the tuner, then it learnt from its own");
        CollectionAssert.AreEqual(uninterrupted.Select(t => t.ParameterJson).ToArray(), stored.Select(t => t.ParameterJson).ToArray(),
            "the resumed run proposes what the uninterrupted one did");
        Assert.AreEqual(k + 1, resumed.Trials.Count, "the result holds the stored trials and the new one");
        var best = uninterrupted.Where(t => t.State == TrialState.Complete).MinBy(t => t.Loss)!;
        Assert.AreEqual(best.TrialId, resumed.BestTrial!.TrialSettings.TrialId, "the best trial is chosen over the whole study");
    }
}
