using System.Diagnostics;
using System.Globalization;

namespace MLExtensions.AutoML;

/// <summary>
/// Samples the process while a trial runs, as Microsoft.ML.AutoML's default performance monitor does: the working set
/// (MiB) and the CPU use (processor time over wall time and cores) every interval, keeping their peaks. With a memory
/// limit, a sample above it first collects the managed heap (garbage the next GC would free is no reason to stop a trial)
/// and, if the process is still above the limit, cancels the trial and records why (<see cref="MemoryLimitException"/>).
/// The whole process is sampled, so trials running side by side see each other's memory and are all stopped over the limit.
/// </summary>
internal sealed class TrialResourceMonitor : IAsyncDisposable
{
    private readonly double? _limitInMegaBytes;
    private readonly int _trialId;
    private readonly CancellationTokenSource _trial;
    private readonly CancellationTokenSource _stop = new();
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly object _gate = new();
    private readonly Task _loop;
    private readonly double _startMegaBytes;
    private readonly TimeSpan _startCpu;
    private readonly long _startTicks;
    private TimeSpan _lastCpu;
    private long _lastTicks;
    private double _peakCpu = double.NaN;
    private double _peakMegaBytes;
    private bool _stopped;

    private TrialResourceMonitor(int trialId, TimeSpan interval, double? limitInMegaBytes, CancellationTokenSource trial)
    {
        _trialId = trialId;
        _limitInMegaBytes = limitInMegaBytes;
        _trial = trial;
        _startMegaBytes = _peakMegaBytes = WorkingSetInMegaBytes();
        _startCpu = _lastCpu = _process.TotalProcessorTime;
        _startTicks = _lastTicks = Stopwatch.GetTimestamp();
        _loop = Task.Run(() => LoopAsync(interval), CancellationToken.None);
    }

    /// <summary>Starts sampling for trial <paramref name="trialId"/>; over <paramref name="limitInMegaBytes"/> it cancels <paramref name="trial"/>.</summary>
    public static TrialResourceMonitor Start(int trialId, TimeSpan interval, double? limitInMegaBytes, CancellationTokenSource trial) =>
        new(trialId, interval, limitInMegaBytes, trial);

    /// <summary>The highest working set sampled so far, in MiB (the samples at the start and at the end included).</summary>
    public double PeakMemoryInMegaByte { get { lock (_gate) return _peakMegaBytes; } }

    /// <summary>
    /// The highest CPU use over one sampling interval so far, as a fraction of all cores (1 = every core busy); over the
    /// whole trial when it ended within one interval.
    /// </summary>
    public double PeakCpu { get { lock (_gate) return double.IsNaN(_peakCpu) ? 0 : _peakCpu; } }

    /// <summary>Why the monitor stopped the trial (its working set stayed above the limit after a collection); null if it did not.</summary>
    public InsufficientMemoryException? MemoryLimitException { get; private set; }

    /// <summary>Takes the last sample (so short trials have figures too) and stops sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_gate)
        {
            if (!_stopped)
            {
                _stopped = true;
                Sample(final: true);
            }
        }

        _process.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                bool over;
                lock (_gate)
                {
                    over = Sample(final: false);
                }

                if (over && CheckLimitAfterCollection())
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Samples memory and CPU (under the gate); true when the working set is above the limit.</summary>
    private bool Sample(bool final)
    {
        double megaBytes = WorkingSetInMegaBytes();
        var cpu = _process.TotalProcessorTime;
        long ticks = Stopwatch.GetTimestamp();
        _peakMegaBytes = Math.Max(_peakMegaBytes, megaBytes);
        // The CPU use over the interval just ended; at the end, over the whole trial if it ended within one interval (a
        // last partial interval is too short to measure: processor time advances in clock ticks). At most every core.
        if (!final || double.IsNaN(_peakCpu))
        {
            var (fromCpu, fromTicks) = final ? (_startCpu, _startTicks) : (_lastCpu, _lastTicks);
            double wallSeconds = (double)(ticks - fromTicks) / Stopwatch.Frequency;
            if (wallSeconds > 0)
            {
                double use = Math.Min(1, (cpu - fromCpu).TotalSeconds / (wallSeconds * Environment.ProcessorCount));
                _peakCpu = double.IsNaN(_peakCpu) ? use : Math.Max(_peakCpu, use);
            }
        }

        _lastCpu = cpu;
        _lastTicks = ticks;
        return _limitInMegaBytes is { } limit && megaBytes > limit;
    }

    /// <summary>Collects the managed heap, samples again and, still above the limit, cancels the trial; true when it did.</summary>
    private bool CheckLimitAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        double megaBytes;
        lock (_gate)
        {
            megaBytes = WorkingSetInMegaBytes();
        }

        double limit = _limitInMegaBytes!.Value;
        if (megaBytes <= limit)
        {
            return false;
        }

        var culture = CultureInfo.InvariantCulture;
        MemoryLimitException = new InsufficientMemoryException(
            string.Create(culture, $"Trial {_trialId} was stopped: the process's working set was {megaBytes:F0} MB, above the limit of {limit:F0} MB ") +
            string.Create(culture, $"(SetMaximumMemoryUsageInMegaByte); it held {_startMegaBytes:F0} MB when the trial started. Raise the limit, or ") +
            "narrow the search space's memory-hungry options (layer sizes, batch size, number of leaves).");
        _trial.Cancel();
        return true;
    }

    private double WorkingSetInMegaBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
