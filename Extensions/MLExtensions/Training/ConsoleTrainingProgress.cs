using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// A ready progress sink for console apps and notebooks: one line per epoch (or boosting step, or batch report) with the training
/// loss, the validation loss, the learning rate, the epoch's seconds, the time elapsed and an estimate of the time left, e.g.
/// <c>epoch  3/20 [###.................]  15%  loss 0.4123  validation 0.4301  lr 9.50e-04  0.41 s  elapsed 0:01  ETA 0:07</c>.
/// </summary>
/// <remarks>Lines are written whole (under a lock), so fits sharing one sink do not mix characters. The estimate assumes all planned
/// epochs run at the pace so far; early stopping can end training sooner.</remarks>
public sealed class ConsoleTrainingProgress : IProgress<TrainingProgress>
{
    private readonly Options _options;
    private readonly object _lock = new();

    /// <summary>Settings of a <see cref="ConsoleTrainingProgress"/>.</summary>
    public sealed class Options
    {
        /// <summary>Where the lines go.</summary>
        /// <value>Default <c>null</c>: <see cref="Console.Out"/> at the time of each report.</value>
        public TextWriter? Writer { get; set; }

        /// <summary>Text put before every line, such as the model's name.</summary>
        /// <value>Default <c>null</c>: none.</value>
        public string? Prefix { get; set; }

        /// <summary>Draw a text progress bar of the planned epochs in each line.</summary>
        /// <value>Default <c>false</c>.</value>
        public bool ShowProgressBar { get; set; }

        /// <summary>Characters between the brackets of the progress bar.</summary>
        /// <value>Default 20. In [5, 200].</value>
        public int ProgressBarWidth { get; set; } = 20;

        /// <summary>Write only every this-many epoch (or boosting-step) reports; the last planned one is always written. Batch
        /// reports are always written (their frequency is the trainer's <see cref="NeuralNetworkOptionsBase.ProgressBatchInterval"/>).</summary>
        /// <value>Default 1: every report. At least 1.</value>
        public int EpochInterval { get; set; } = 1;

        /// <summary>Another sink that receives every report after this one, or <c>null</c>.</summary>
        public IProgress<TrainingProgress>? Next { get; set; }
    }

    /// <summary>Creates a sink with <paramref name="options"/> (defaults when <c>null</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Options.ProgressBarWidth"/> or <see cref="Options.EpochInterval"/> is out of range.</exception>
    public ConsoleTrainingProgress(Options? options = null)
    {
        options ??= new Options();
        if (options.ProgressBarWidth is < 5 or > 200)
            throw new ArgumentOutOfRangeException(nameof(Options.ProgressBarWidth), options.ProgressBarWidth, "Options.ProgressBarWidth must be in [5, 200].");
        if (options.EpochInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(Options.EpochInterval), options.EpochInterval, "Options.EpochInterval must be at least 1.");
        _options = new Options
        {
            Writer = options.Writer, Prefix = options.Prefix, ShowProgressBar = options.ShowProgressBar,
            ProgressBarWidth = options.ProgressBarWidth, EpochInterval = options.EpochInterval, Next = options.Next,
        };
    }

    /// <summary>Writes the report's line (unless <see cref="Options.EpochInterval"/> skips it) and forwards the report.</summary>
    public void Report(TrainingProgress value)
    {
        bool write = value.Kind == TrainingProgressKind.Batch || value.Epoch % _options.EpochInterval == 0 || value.Epoch >= value.TotalEpochs;
        if (write)
        {
            string line = FormatLine(value);
            lock (_lock)
            {
                var writer = _options.Writer ?? Console.Out;
                writer.WriteLine(line);
                writer.Flush();
            }
        }

        _options.Next?.Report(value);
    }

    /// <summary>The line written for <paramref name="value"/>.</summary>
    internal string FormatLine(TrainingProgress value)
    {
        var c = CultureInfo.InvariantCulture;
        var line = new StringBuilder();
        if (!string.IsNullOrEmpty(_options.Prefix)) line.Append(_options.Prefix).Append(": ");
        int width = value.TotalEpochs.ToString(c).Length;
        line.Append(value.Kind == TrainingProgressKind.BoostingStep ? "step " : "epoch ")
            .Append(value.Epoch.ToString(c).PadLeft(width)).Append('/').Append(value.TotalEpochs.ToString(c));
        if (value.Kind == TrainingProgressKind.Batch)
        {
            line.Append(" batch ").Append(value.Batch.ToString(c).PadLeft(value.BatchCount.ToString(c).Length)).Append('/').Append(value.BatchCount.ToString(c));
        }

        if (_options.ShowProgressBar)
        {
            int filled = (int)Math.Round(value.FractionDone * _options.ProgressBarWidth);
            line.Append(" [").Append('#', filled).Append('.', _options.ProgressBarWidth - filled).Append("] ")
                .Append((value.FractionDone * 100).ToString("0", c).PadLeft(3)).Append('%');
        }

        line.Append("  loss ").Append(Number(value.TrainingLoss));
        if (value.Kind != TrainingProgressKind.Batch)
            line.Append("  validation ").Append(value.ValidationLoss is { } v ? Number(v) : "-");
        line.Append(value.Kind == TrainingProgressKind.BoostingStep ? "  step length " : "  lr ")
            .Append(value.LearningRate.ToString("0.00e+00", c));
        line.Append("  ").Append(value.Seconds.ToString("0.00", c)).Append(" s");
        if (value.ElapsedSeconds > 0)
        {
            line.Append("  elapsed ").Append(Clock(value.ElapsedSeconds));
            if (value.EstimatedSecondsLeft is { } left) line.Append("  ETA ").Append(Clock(left));
        }

        return line.ToString();
    }

    private static string Number(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Seconds as m:ss, or h:mm:ss from an hour on.</summary>
    internal static string Clock(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(Math.Max(seconds, 0)));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}:{span.Seconds:00}");
    }
}

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
