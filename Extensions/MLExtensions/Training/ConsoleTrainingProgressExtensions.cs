using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MLExtensions;

/// <summary>Creates <see cref="ConsoleTrainingProgress"/> sinks.</summary>
public static class ConsoleTrainingProgressExtensions
{
    /// <summary>A progress sink that prints one line per epoch (loss, validation loss, learning rate, elapsed time, ETA) to the console
    /// or to <see cref="ConsoleTrainingProgress.Options.Writer"/>; pass it as a trainer's <c>progress</c> argument.</summary>
    /// <param name="mlContext">The context (for discoverability next to <c>CreateTrainingLog</c>; the sink does not use it).</param>
    /// <param name="options">The sink's settings, or <c>null</c> for the defaults.</param>
    public static IProgress<TrainingProgress> CreateConsoleProgress(this MLContext mlContext, ConsoleTrainingProgress.Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new ConsoleTrainingProgress(options);
    }
}
