using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions;

/// <summary>
/// Writes training progress to ML.NET's log channel, so <c>mlContext.Log += ...</c> shows one line per epoch.
/// </summary>
/// <remarks>
/// An ML.NET catalog does not expose its <see cref="MLContext"/> to external assemblies, so a trainer created through
/// <c>mlContext.BinaryClassification.Trainers.NeuralNetwork(options, progress)</c> cannot find the log by itself: pass
/// <c>mlContext.CreateTrainingLog()</c> as the progress sink (see <see cref="MLContextTrainingLogExtensions"/>).
/// </remarks>
internal sealed class MLContextTrainingLog : IProgress<TrainingProgress>
{
    private readonly IHostEnvironment _environment;
    private readonly string _source;
    private readonly IProgress<TrainingProgress>? _next;

    /// <summary>Creates a sink writing to <paramref name="mlContext"/>'s log under <paramref name="source"/>, then forwarding to <paramref name="next"/>.</summary>
    public MLContextTrainingLog(MLContext mlContext, string source = "NeuralNetwork", IProgress<TrainingProgress>? next = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        _environment = mlContext;
        _source = source;
        _next = next;
    }

    /// <summary>Writes <paramref name="value"/> as one Info message and forwards it.</summary>
    public void Report(TrainingProgress value)
    {
        using (var channel = _environment.Start(_source))
            channel.Info(MessageSensitivity.None, value.ToString());
        _next?.Report(value);
    }
}

/// <summary>Creates <see cref="MLContextTrainingLog"/> sinks.</summary>
public static class MLContextTrainingLogExtensions
{
    /// <summary>A progress sink that writes one line per epoch to this context's log (<c>mlContext.Log</c>).</summary>
    /// <param name="mlContext">The context whose <c>Log</c> event receives the lines.</param>
    /// <param name="source">The message source shown in the log.</param>
    /// <param name="next">Another sink to forward each report to, or <c>null</c>.</param>
    public static IProgress<TrainingProgress> CreateTrainingLog(this MLContext mlContext, string source = "NeuralNetwork",
                                                                IProgress<TrainingProgress>? next = null) =>
        new MLContextTrainingLog(mlContext, source, next);
}
