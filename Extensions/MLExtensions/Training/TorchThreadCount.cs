using TorchSharp;

namespace MLExtensions;

/// <summary>
/// Sets LibTorch's process-wide intra-op thread count for the length of a fit and restores it afterwards. Overlapping fits share
/// one count: the one that entered last sets it, and the count from before the first is restored when the last one leaves.
/// </summary>
internal static class TorchThreadCount
{
    private static readonly Lock Gate = new();
    private static int _active;
    private static int _saved;

    /// <summary>Applies <paramref name="threads"/> until the returned lease is disposed; <c>null</c> changes nothing.</summary>
    public static IDisposable Use(int? threads)
    {
        if (threads is not { } count) return NoLease.Instance;
        lock (Gate)
        {
            if (_active++ == 0) _saved = torch.get_num_threads();
            torch.set_num_threads(count);
        }
        return new Lease();
    }

    private sealed class Lease : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            lock (Gate)
            {
                if (--_active == 0) torch.set_num_threads(_saved);
            }
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}
