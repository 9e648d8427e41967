namespace MLExtensions.Tests.Attacks;

/// <summary>
/// Runs each test of a derived class with one TorchSharp intra-op thread (restored after it). Attacks and these tests' fits work on
/// batches of a few hundred rows, where a second thread only adds hand-offs: on a loaded 2-core machine PGD-20 on 300 rows took
/// 0.46 s with 2 threads and 0.03 s with 1. The test assembly does not run tests in parallel, so the process-wide setting is safe.
/// </summary>
public abstract class OneTorchThreadTestBase
{
    private IDisposable? _threads;

    /// <summary>Sets one TorchSharp thread for the test.</summary>
    [TestInitialize]
    public void UseOneTorchThread() => _threads = TorchThreadCount.Use(1);

    /// <summary>Restores the thread count from before the test.</summary>
    [TestCleanup]
    public void RestoreTorchThreads() => _threads?.Dispose();
}
