using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLExtensions;

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
