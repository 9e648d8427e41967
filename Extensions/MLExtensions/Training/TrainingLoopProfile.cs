using System.Diagnostics;

namespace MLExtensions;

/// <summary>
/// Wall-clock time of each phase of <see cref="NeuralTrainingLoop"/>'s steps, summed over a run: set
/// <see cref="NeuralNetworkOptionsBase.Profile"/> to an instance (benchmarks only) and read <see cref="Seconds"/> afterwards.
/// </summary>
/// <remarks>
/// On the CPU every TorchSharp call runs to completion before it returns, so the phases are measured where they run; on CUDA
/// kernels are queued and the time lands in the phase that waits for them. When no profile is set the loop pays one null check
/// per phase. Not thread-safe: one instance per run. Never used by tests to time anything.
/// </remarks>
internal sealed class TrainingLoopProfile
{
    private readonly long[] _ticks = new long[Enum.GetValues<TrainingLoopPhase>().Length];

    /// <summary>Optimizer steps measured.</summary>
    public long Steps { get; private set; }

    /// <summary>Seconds spent in <paramref name="phase"/> over all measured steps.</summary>
    /// <param name="phase">The phase.</param>
    public double Seconds(TrainingLoopPhase phase) => _ticks[(int)phase] / (double)Stopwatch.Frequency;

    /// <summary>Seconds in all phases together.</summary>
    public double TotalSeconds => _ticks.Sum() / (double)Stopwatch.Frequency;

    /// <summary>The current timestamp, to pass to <see cref="Lap"/>.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="phase"/> and moves <paramref name="since"/> to now.</summary>
    /// <param name="phase">The phase that just ended.</param>
    /// <param name="since">The timestamp at which it began; set to now.</param>
    public void Lap(TrainingLoopPhase phase, ref long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)phase] += now - since;
        since = now;
    }

    /// <summary>Counts one optimizer step.</summary>
    public void CountStep() => Steps++;
}
