using System.Globalization;
using Microsoft.ML;

namespace MLExtensions;

/// <summary>
/// A model's training history (<see cref="NeuralNetworkModelParameters.History"/>, or a GBNN model's
/// <see cref="GradientBoostedNeuralNetworkModelParameters.Steps"/>) as an <see cref="IDataView"/> or a CSV file.
/// </summary>
public static class TrainingHistory
{
    /// <summary>The CSV header <see cref="WriteCsv(IEnumerable{EpochRecord}, TextWriter)"/> writes.</summary>
    public const string EpochCsvHeader = "epoch,training_loss,validation_loss,learning_rate,gradient_norm,seconds,batch_size,optimizer_steps,momentum";

    /// <summary>The CSV header <see cref="WriteCsv(IEnumerable{BoostingStep}, TextWriter)"/> writes.</summary>
    public const string StepCsvHeader = "step,training_loss,validation_loss,step_length";

    /// <summary>The epochs as a data view with columns <c>Epoch</c> (Int32), <c>TrainingLoss</c>, <c>ValidationLoss</c> (NaN without
    /// validation), <c>LearningRate</c>, <c>GradientNorm</c> and <c>Seconds</c> (Double), <c>BatchSize</c> and <c>OptimizerSteps</c> (Int32)
    /// and <c>Momentum</c> (Double, NaN when the optimizer has none).</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="history">The history, e.g. <c>model.Model.History</c>.</param>
    public static IDataView LoadFromTrainingHistory(this DataOperationsCatalog catalog, IEnumerable<EpochRecord> history)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(history);
        var rows = history.Select((e, i) => e is null
            ? throw new ArgumentException($"history holds a null entry at index {i}.", nameof(history))
            : new EpochRow
            {
                Epoch = e.Epoch, TrainingLoss = e.TrainingLoss, ValidationLoss = e.ValidationLoss ?? double.NaN,
                LearningRate = e.LearningRate, GradientNorm = e.GradientNorm, Seconds = e.Seconds,
                BatchSize = e.BatchSize, OptimizerSteps = e.OptimizerSteps, Momentum = e.Momentum ?? double.NaN,
            }).ToList();
        return catalog.LoadFromEnumerable(rows);
    }

    /// <summary>The boosting steps as a data view with columns <c>Step</c> (Int32, 1-based), <c>TrainingLoss</c>,
    /// <c>ValidationLoss</c> (NaN without validation) and <c>StepLength</c> (Double).</summary>
    /// <param name="catalog">The data catalog, <c>mlContext.Data</c>.</param>
    /// <param name="steps">The steps, e.g. <c>model.Model.Steps</c>.</param>
    public static IDataView LoadFromBoostingSteps(this DataOperationsCatalog catalog, IEnumerable<BoostingStep> steps)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(steps);
        var rows = steps.Select((s, i) => s is null
            ? throw new ArgumentException($"steps holds a null entry at index {i}.", nameof(steps))
            : new StepRow { Step = i + 1, TrainingLoss = s.TrainingLoss, ValidationLoss = s.ValidationLoss ?? double.NaN, StepLength = s.Rho })
            .ToList();
        return catalog.LoadFromEnumerable(rows);
    }

    /// <summary>Writes the epochs as CSV (header <see cref="EpochCsvHeader"/>, invariant culture, round-trip numbers, an empty field
    /// for a missing validation loss or momentum). The per-step gradient norms are not written.</summary>
    public static void WriteCsv(IEnumerable<EpochRecord> history, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(EpochCsvHeader);
        foreach (var e in history)
        {
            writer.WriteLine(string.Join(',', e.Epoch.ToString(CultureInfo.InvariantCulture), R(e.TrainingLoss), e.ValidationLoss is { } v ? R(v) : "",
                R(e.LearningRate), R(e.GradientNorm), R(e.Seconds), e.BatchSize.ToString(CultureInfo.InvariantCulture),
                e.OptimizerSteps.ToString(CultureInfo.InvariantCulture), e.Momentum is { } m ? R(m) : ""));
        }
    }

    /// <summary>Writes the boosting steps as CSV (header <see cref="StepCsvHeader"/>, steps numbered from 1).</summary>
    public static void WriteCsv(IEnumerable<BoostingStep> steps, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(StepCsvHeader);
        int step = 0;
        foreach (var s in steps)
        {
            step++;
            writer.WriteLine(string.Join(',', step.ToString(CultureInfo.InvariantCulture), R(s.TrainingLoss), s.ValidationLoss is { } v ? R(v) : "", R(s.Rho)));
        }
    }

    /// <summary>Writes the epochs to the CSV file <paramref name="path"/> (created or overwritten).</summary>
    public static void SaveAsCsv(this IEnumerable<EpochRecord> history, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var writer = new StreamWriter(path);
        WriteCsv(history, writer);
    }

    /// <summary>Writes the boosting steps to the CSV file <paramref name="path"/> (created or overwritten).</summary>
    public static void SaveAsCsv(this IEnumerable<BoostingStep> steps, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var writer = new StreamWriter(path);
        WriteCsv(steps, writer);
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class EpochRow
    {
        public int Epoch { get; set; }
        public double TrainingLoss { get; set; }
        public double ValidationLoss { get; set; }
        public double LearningRate { get; set; }
        public double GradientNorm { get; set; }
        public double Seconds { get; set; }
        public int BatchSize { get; set; }
        public int OptimizerSteps { get; set; }
        public double Momentum { get; set; }
    }

    private sealed class StepRow
    {
        public int Step { get; set; }
        public double TrainingLoss { get; set; }
        public double ValidationLoss { get; set; }
        public double StepLength { get; set; }
    }
}
